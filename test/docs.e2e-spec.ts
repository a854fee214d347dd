// @shop/platform's env classes read decorator metadata as soon as they load.
import 'reflect-metadata';
import { Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import {
  CreateProductCommand,
  LoginCommand,
  PlaceOrderBody,
  RegisterUserCommand,
  UpdateProductBody,
  UpdateProfileBody,
} from '@shop/contracts';
import { strictValidationPipe } from '@shop/platform';
import { spawn } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { launchChromium } from './harness/chromium';
import { RunningPlatform, startPlatform } from './harness/platform';

type Method = 'get' | 'post' | 'patch';

interface DocumentedRoute {
  method: Method;
  /** As OpenAPI spells it, `{id}` for a path parameter. */
  path: string;
  who: 'anyone' | 'user' | 'admin';
  /** Error statuses a client must be told about. */
  errors: number[];
}

/** The REST table of ARCHITECTURE.md. */
const restApi: DocumentedRoute[] = [
  { method: 'post', path: '/api/auth/register', who: 'anyone', errors: [400, 409, 429] },
  { method: 'post', path: '/api/auth/login', who: 'anyone', errors: [400, 401, 429] },
  { method: 'get', path: '/api/users/me', who: 'user', errors: [401] },
  { method: 'patch', path: '/api/users/me', who: 'user', errors: [400, 401] },
  { method: 'get', path: '/api/products', who: 'anyone', errors: [400] },
  { method: 'get', path: '/api/products/{id}', who: 'anyone', errors: [400, 404] },
  { method: 'post', path: '/api/products', who: 'admin', errors: [400, 401, 403] },
  { method: 'patch', path: '/api/products/{id}', who: 'admin', errors: [400, 401, 403, 404] },
  { method: 'post', path: '/api/orders', who: 'user', errors: [400, 401] },
  { method: 'get', path: '/api/orders', who: 'user', errors: [400, 401] },
  { method: 'get', path: '/api/orders/{id}', who: 'user', errors: [400, 401, 404] },
  { method: 'post', path: '/api/orders/{id}/cancel', who: 'user', errors: [400, 401, 404, 409] },
  { method: 'get', path: '/api/payments', who: 'user', errors: [400, 401] },
  { method: 'get', path: '/api/invoices', who: 'user', errors: [400, 401] },
  { method: 'get', path: '/health', who: 'anyone', errors: [] },
  { method: 'get', path: '/health/ready', who: 'anyone', errors: [503] },
];

/** Request bodies and the classes the gateway validates them with. */
const requestBodies: Array<[string, Type<unknown>]> = [
  ['POST /api/auth/register', RegisterUserCommand],
  ['POST /api/auth/login', LoginCommand],
  ['PATCH /api/users/me', UpdateProfileBody],
  ['POST /api/products', CreateProductCommand],
  ['PATCH /api/products/{id}', UpdateProductBody],
  ['POST /api/orders', PlaceOrderBody],
];

const ERROR_RESPONSE_REF = '#/components/schemas/ErrorResponse';

interface SchemaObject {
  $ref?: string;
  type?: string;
  example?: unknown;
  enum?: unknown[];
  items?: SchemaObject;
  allOf?: SchemaObject[];
  properties?: Record<string, SchemaObject>;
}

interface OperationObject {
  security?: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, { content?: Record<string, { schema: SchemaObject }> }>;
}

/**
 * Validates with @apidevtools/swagger-parser in a child Node: it loads an ES-module-only
 * dependency that jest's CommonJS runtime cannot (Node itself can, since 20.19). The child
 * gets its own copy of the document, so validate() dereferencing it in place changes nothing here.
 */
function validateOpenApi(document: unknown): Promise<string> {
  const script = `
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () =>
      require('@apidevtools/swagger-parser')
        .validate(JSON.parse(input))
        .then((api) => process.stdout.write('valid OpenAPI ' + api.openapi))
        .catch((error) => process.stdout.write('invalid: ' + error.message)),
    );`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', '-e', script], {
      cwd: join(__dirname, '..'),
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve(code === 0 ? output : `validator failed (exit ${code}): ${errors}`),
    );
    child.stdin.end(JSON.stringify(document));
  });
}

function label(route: Pick<DocumentedRoute, 'method' | 'path'>): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

function byLabel(text: string): DocumentedRoute {
  const route = restApi.find((candidate) => label(candidate) === text);
  if (!route) throw new Error(`${text} is not in the REST table`);
  return route;
}

describe('API documentation', () => {
  let platform: RunningPlatform;
  let document: OpenAPIObject;

  beforeAll(async () => {
    platform = await startPlatform();
    const response = await request(platform.http).get('/docs-json').expect(200);
    document = response.body as OpenAPIObject;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  function operationOf(route: Pick<DocumentedRoute, 'method' | 'path'>): OperationObject {
    const operation = (document.paths[route.path] as Record<string, unknown> | undefined)?.[
      route.method
    ];
    if (!operation) throw new Error(`${label(route)} is not documented`);
    return operation as OperationObject;
  }

  function schemaNamed(ref: string): SchemaObject {
    const name = ref.replace('#/components/schemas/', '');
    const schema = document.components?.schemas?.[name] as SchemaObject | undefined;
    if (!schema) throw new Error(`${ref} is not among the components`);
    return schema;
  }

  /** A value built from the examples of a schema, as Swagger UI's "Try it out" fills it in. */
  function exampleOf(schema: SchemaObject): unknown {
    if (schema.example !== undefined) return schema.example;
    if (schema.$ref) return exampleOf(schemaNamed(schema.$ref));
    if (schema.allOf?.length === 1) return exampleOf(schema.allOf[0]);
    if (schema.type === 'array' && schema.items) return [exampleOf(schema.items)];
    if (schema.properties)
      return Object.fromEntries(
        Object.entries(schema.properties).map(([name, property]) => [name, exampleOf(property)]),
      );
    return undefined;
  }

  describe('the OpenAPI document at /docs-json', () => {
    it('is a valid OpenAPI 3 document', async () => {
      const verdict = await validateOpenApi(document);

      expect(verdict).toMatch(/^valid OpenAPI 3\./);
    });

    it.each(restApi.map((route) => [label(route), route] as const))(
      'documents %s',
      (_label, route) => {
        expect(() => operationOf(route)).not.toThrow();
      },
    );

    it('documents no route that the REST table lacks', () => {
      const documented = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => label({ method: method as Method, path })),
      );

      expect(documented.sort()).toEqual(restApi.map(label).sort());
    });

    it('declares a bearer JWT security scheme', () => {
      expect(document.components?.securitySchemes?.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      });
    });

    it.each(restApi.filter((route) => route.who !== 'anyone').map((route) => [label(route)]))(
      'declares bearer security on %s, which needs a token',
      (text) => {
        expect(operationOf(byLabel(text)).security).toEqual([{ bearer: [] }]);
      },
    );

    it.each(restApi.filter((route) => route.who === 'anyone').map((route) => [label(route)]))(
      'declares no security on %s, which anyone may call',
      (text) => {
        expect(operationOf(byLabel(text)).security).toBeUndefined();
      },
    );

    it.each(
      restApi
        .filter((route) => route.path.startsWith('/api/'))
        .map((route) => [label(route), route.errors] as const),
    )('documents the errors of %s (%j) with the ErrorResponse schema', (text, errors) => {
      const responses = operationOf(byLabel(text)).responses;

      const errorSchemas = Object.fromEntries(
        Object.entries(responses)
          .filter(([status]) => Number(status) >= 400)
          .map(([status, response]) => [
            Number(status),
            response.content?.['application/json']?.schema.$ref,
          ]),
      );

      expect(Object.keys(errorSchemas).map(Number)).toEqual(expect.arrayContaining(errors));
      expect(Object.values(errorSchemas)).toEqual(
        Object.values(errorSchemas).map(() => ERROR_RESPONSE_REF),
      );
    });

    it('gives every property of every schema an example, an enum or a schema of its own', () => {
      const withoutExample = Object.entries(document.components?.schemas ?? {}).flatMap(
        ([name, schema]) =>
          Object.entries((schema as SchemaObject).properties ?? {})
            .filter(
              ([, property]) =>
                property.example === undefined &&
                property.enum === undefined &&
                property.$ref === undefined &&
                property.allOf === undefined &&
                property.items?.$ref === undefined,
            )
            .map(([property]) => `${name}.${property}`),
      );

      expect(withoutExample).toEqual([]);
    });

    it.each(requestBodies)(
      'shows an example body of %s that passes the gateway validation',
      async (text, bodyClass) => {
        const schema =
          operationOf(byLabel(text)).requestBody?.content['application/json']?.schema ?? {};
        const example = exampleOf(schema);

        const validated = strictValidationPipe().transform(example, {
          type: 'body',
          metatype: bodyClass,
        });

        await expect(validated).resolves.toBeInstanceOf(bodyClass);
      },
    );
  });

  describe('Swagger UI at /docs in Chromium', () => {
    // A name other than localhost, as the gateway has in docker-compose or on a LAN.
    const hostName = 'gateway.shop.test';
    let browser: Browser;
    let page: Page;
    let port: number;

    async function openDocs(host: string): Promise<{ page: Page; problems: string[] }> {
      const opened = await browser.newPage();
      const problems: string[] = [];
      opened.on('requestfailed', (failed) => problems.push(`request failed: ${failed.url()}`));
      opened.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
      await opened.addInitScript(
        `document.addEventListener('securitypolicyviolation', (event) =>
           console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));`,
      );
      opened.on('console', (message) => {
        if (message.text().startsWith('CSP violation')) problems.push(message.text());
      });
      await opened.goto(`http://${host}:${port}/docs`, { timeout: 30_000 });
      // Swagger UI renders after its bundle ran; a blank page never shows an operation.
      await opened
        .locator('.opblock')
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 })
        .catch(() => problems.push('no operation rendered within 30 s'));
      return { page: opened, problems };
    }

    async function operationsOn(shown: Page): Promise<string[]> {
      const methods = await shown.locator('.opblock-summary-method').allInnerTexts();
      const paths = await shown.locator('.opblock-summary-path').allInnerTexts();
      // Swagger UI puts zero-width spaces into paths so that they wrap.
      return methods.map((method, index) => `${method} ${paths[index].replace(/\u200b/g, '')}`);
    }

    let problemsOnLoad: string[];

    // A machine without Chromium installs it first (about a minute); hence the long deadline.
    beforeAll(async () => {
      port = (platform.http.address() as AddressInfo).port;
      browser = await launchChromium([`--host-resolver-rules=MAP ${hostName} 127.0.0.1`]);
      ({ page, problems: problemsOnLoad } = await openDocs('127.0.0.1'));
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
    });

    it('shows the sign-up and the catalog operations', async () => {
      const operations = await operationsOn(page);

      expect(operations).toEqual(
        expect.arrayContaining(['POST /api/auth/register', 'GET /api/products']),
      );
    });

    it('shows every operation of the REST table', async () => {
      const operations = await operationsOn(page);

      expect(operations.sort()).toEqual(restApi.map(label).sort());
    });

    it('loads without Content-Security-Policy violations, script errors or failed requests', () => {
      expect(problemsOnLoad).toEqual([]);
    });

    it('renders over plain HTTP at a host name other than localhost', async () => {
      const { page: remote, problems } = await openDocs(hostName);

      const operations = await operationsOn(remote);
      await remote.close();

      expect({ operations: operations.length, problems }).toEqual({
        operations: restApi.length,
        problems: [],
      });
    });
  });
});
