// @shop/platform's env classes read decorator metadata as soon as they load.
import 'reflect-metadata';
import type { OpenAPIObject } from '@nestjs/swagger';
import fc from 'fast-check';
import {
  Components,
  Schema,
  documentedValue,
  undocumentedValue,
} from './harness/openapi-arbitraries';
import { RunningPlatform, startShopPlatform } from './harness/platform';
import { ShopApi, shopCallers } from './harness/shop-api';
import { ShopState } from './harness/shop-state';
import { ValidatingProxy } from './harness/validating-proxy';

/** `npm run test:fuzz` sends more; `npm test` keeps a bounded run of the same model. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 7);
/** Far above any answer of a healthy platform: beyond it, the request hangs. */
const ANSWER_DEADLINE_MS = 10_000;

const admin = { email: 'admin@shop.test', password: 'admin password of the fuzz run' };

/** Sagas write in the background after a 202: valid orders are left to test/orders. */
const onlyInvalid = new Set(['post /api/orders', 'post /api/orders/{id}/cancel']);

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

interface FuzzOperation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  isSecured: boolean;
}

interface FuzzRequest {
  operation: FuzzOperation;
  isInvalid: boolean;
  path: string;
  query: string;
  body?: unknown;
  caller: 'anyone' | 'customer' | 'admin';
}

function operationsOf(document: OpenAPIObject): FuzzOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Record<string, unknown>>).map(([method, operation]) => ({
      method,
      path,
      parameters: (operation.parameters as Parameter[] | undefined) ?? [],
      body: (operation.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content?.['application/json']?.schema,
      isSecured: Array.isArray(operation.security),
    })),
  );
}

/** A query value as a URL carries it: text, whatever type the model made. */
function queryText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isDocumentedInteger(text: string, schema: Schema): boolean {
  const value = Number(text);
  return (
    /^\d+$/.test(text) &&
    value >= (schema.minimum ?? -Infinity) &&
    value <= (schema.maximum ?? Infinity)
  );
}

function requestsOf(
  operation: FuzzOperation,
  components: Components,
  ids: string[],
): fc.Arbitrary<FuzzRequest> {
  const query = operation.parameters.filter((parameter) => parameter.in === 'query');
  const breakable = [
    ...query.map((parameter) => parameter.name),
    ...(operation.body ? ['body'] : []),
  ];
  const mustBreak = onlyInvalid.has(`${operation.method} ${operation.path}`);
  const broken = fc.constantFrom(...(mustBreak ? [] : [undefined]), ...breakable, 'path');
  return broken.chain((part) => {
    const hasPath = operation.path.includes('{id}');
    const isInvalid = part !== undefined && (part !== 'path' || hasPath);
    const pathArbitrary =
      part === 'path' ? fc.constantFrom('not-an-id', '1', 'x'.repeat(30)) : fc.constantFrom(...ids);
    const queryArbitrary = fc.record(
      Object.fromEntries(
        query.map((parameter) => [
          parameter.name,
          part === parameter.name
            ? // In a URL, null is absence and a numeric string is the number itself.
              undocumentedValue(parameter.schema, components).filter(
                (value) =>
                  value !== null && !isDocumentedInteger(queryText(value), parameter.schema),
              )
            : documentedValue(parameter.schema, components),
        ]),
      ),
      { requiredKeys: part && query.some((parameter) => parameter.name === part) ? [part] : [] },
    );
    const bodyArbitrary = operation.body
      ? part === 'body'
        ? undocumentedValue(operation.body, components)
        : documentedValue(operation.body, components)
      : fc.constant(undefined);
    const caller = operation.isSecured
      ? fc.constantFrom('customer' as const, 'admin' as const)
      : fc.constant('anyone' as const);
    return fc.record({
      operation: fc.constant(operation),
      isInvalid: fc.constant(isInvalid),
      path: pathArbitrary.map((id) => operation.path.replace('{id}', id)),
      query: queryArbitrary.map((values) =>
        new URLSearchParams(
          Object.entries(values).map(([name, value]): [string, string] => [name, queryText(value)]),
        ).toString(),
      ),
      body: bodyArbitrary,
      caller,
    });
  });
}

describe('The API fuzzed from its OpenAPI document', () => {
  let platform: RunningPlatform;
  let proxy: ValidatingProxy;
  let state: ShopState;
  let callers: Record<FuzzRequest['caller'], ShopApi>;
  let document: OpenAPIObject;
  let ids: string[];

  beforeAll(async () => {
    platform = await startShopPlatform(admin);
    proxy = await ValidatingProxy.start(platform.url);
    callers = await shopCallers(proxy.url, admin);
    const product = await callers.admin.createProduct(1_000, 1_250);
    ids = [product.id, '6745f0c2a1b2c3d4e5f60718'];
    document = (await callers.anyone.request<OpenAPIObject>('GET', '/docs-json')).body;
    state = await ShopState.open(platform.environment);
  });

  afterAll(async () => {
    await state?.close();
    await proxy?.stop();
    await platform?.stop();
  });

  it(`answers ${RUNS} generated requests without a 5xx, a hang, a 2xx for invalid input or a write on refusal`, async () => {
    const components = (document.components?.schemas ?? {}) as Components;
    const requests = fc.oneof(
      ...operationsOf(document).map((operation) => requestsOf(operation, components, ids)),
    );

    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const before = await state.snapshot();
        const target = `${request.path}${request.query ? `?${request.query}` : ''}`;

        const response = await callers[request.caller].request<Record<string, unknown>>(
          request.operation.method.toUpperCase(),
          target,
          request.body,
          {},
          AbortSignal.timeout(ANSWER_DEADLINE_MS),
        );
        const wrote = response.status >= 400 && (await state.snapshot()) !== before;

        const what = `${request.operation.method.toUpperCase()} ${target} ${JSON.stringify(request.body)?.slice(0, 200)}`;
        // Any 4xx may be right (404, 409, ...); never a 5xx, and never a 2xx for invalid input.
        const lowest = request.isInvalid ? 400 : 200;
        expect({ what, status: response.status, isExpected: true }).toEqual({
          what,
          status: response.status,
          isExpected: response.status >= lowest && response.status < 500,
        });
        if (response.status >= 400 && target.startsWith('/api/'))
          expect(response.body).toEqual(
            expect.objectContaining({
              statusCode: response.status,
              error: expect.any(String),
              message: expect.any(String),
              correlationId: expect.any(String),
            }),
          );
        expect({ what, wrote }).toEqual({ what, wrote: false });
      }),
      { numRuns: RUNS, seed: SEED },
    );

    expect(await proxy.violations()).toEqual([]);
  });
});
