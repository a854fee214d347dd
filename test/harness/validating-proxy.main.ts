/**
 * A validating proxy in front of the gateway, as its own Node process: openapi-backend (and
 * its ES-module-only dependencies) loads there, not in jest's CommonJS runtime. It checks
 * every exchange against the gateway's own OpenAPI document and records what disagrees:
 * - a response whose status, body or headers the document does not describe;
 * - a request the document forbids that the API accepted (2xx): the document is too strict
 *   or the API too lax;
 * - a request the document allows that the API refused with 400: the document is too loose;
 * - a path the document lacks that the API answered other than 404: an undocumented route.
 * `GET /__violations` answers the list. Started by `ValidatingProxy.start()`.
 */
import addFormats from 'ajv-formats';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';

const gatewayUrl = process.env.GATEWAY_URL!;
const violations: string[] = [];

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/**
 * Headers of the gateway's answer that the proxy does not pass on: the body is sent again as
 * received, and `Connection` and `Keep-Alive` describe the gateway's connection, not the
 * proxy's (a proxy must not forward them). Passed on, the gateway's `Keep-Alive: timeout=72`
 * made clients reuse sockets this proxy had closed after Node's 5 s.
 */
const notForwarded = new Set([
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (typeof value === 'string') headers[name] = value;
  return headers;
}

function check(
  api: OpenAPIBackend,
  exchange: { method: string; url: URL; headers: Record<string, string>; body: string },
  answer: { status: number; headers: Headers; body: string },
): string[] {
  const request = {
    method: exchange.method,
    path: exchange.url.pathname,
    query: exchange.url.search.slice(1),
    headers: exchange.headers,
    body: parsed(exchange.body),
  };
  const operation: Operation | undefined = api.matchOperation(request);
  const problems: string[] = [];
  // A route the document lacks must not exist: its only right answer is 404.
  if (!operation && answer.status !== 404) problems.push('the route is not documented');
  if (!operation) return problems.map((problem) => finding(exchange, answer, problem));
  const status = String(answer.status);
  const responses = operation.responses ?? {};
  if (!(status in responses)) problems.push(`status ${status} is not documented`);
  else {
    const body = answer.headers.get('content-type')?.includes('json')
      ? parsed(answer.body)
      : undefined;
    const response = api.validateResponse(body, operation, answer.status);
    for (const error of response.errors ?? [])
      problems.push(`response ${error.instancePath} ${error.message}`);
    const headers = Object.fromEntries(answer.headers.entries());
    const headerCheck = api.validateResponseHeaders(headers, operation, {
      statusCode: answer.status,
      setMatchType: 'superset' as never,
    });
    for (const error of headerCheck.errors ?? [])
      problems.push(`response header ${error.instancePath} ${error.message}`);
  }
  const requestErrors = requestProblems(api, request, operation);
  if (requestErrors.length > 0 && answer.status < 300)
    problems.push(`accepted a request the document forbids: ${requestErrors.join('; ')}`);
  if (requestErrors.length === 0 && answer.status === 400)
    problems.push(`refused with 400 a request the document allows: ${answer.body.slice(0, 200)}`);
  return problems.map((problem) => finding(exchange, answer, problem));
}

/** What in the request the document forbids; nothing for a request it allows. */
function requestProblems(
  api: OpenAPIBackend,
  request: Parameters<OpenAPIBackend['validateRequest']>[0],
  operation: Operation,
): string[] {
  try {
    const verdict = api.validateRequest(request, operation);
    return [
      ...nonDecimalIntegers(request.query as string, operation),
      ...(verdict.errors ?? []).map((error) => `${error.instancePath} ${error.message}`),
    ];
  } catch (error) {
    // openapi-backend decodes path parameters and throws on a broken percent-encoding: such a
    // path has no value any parameter schema could allow.
    if (error instanceof URIError) return ['the path is not percent-encoded UTF-8'];
    throw error;
  }
}

/**
 * A URL carries an integer parameter as decimal digits. Ajv coerces query text as JavaScript's
 * Number() does, so it would take "1e2", "0x10", "+5" and even blanks for integers, which no
 * reading of the document allows and the API rightly refuses.
 */
function nonDecimalIntegers(query: string, operation: Operation): string[] {
  const values = new URLSearchParams(query);
  return (operation.parameters ?? []).flatMap((parameter) => {
    if ('$ref' in parameter || parameter.in !== 'query') return [];
    const schema = parameter.schema as { type?: string } | undefined;
    if (schema?.type !== 'integer') return [];
    return values
      .getAll(parameter.name)
      .filter((value) => !/^-?\d+$/.test(value))
      .map(() => `/query/${parameter.name} must be an integer in decimal digits`);
  });
}

function finding(
  exchange: { method: string; url: URL },
  answer: { status: number },
  problem: string,
): string {
  return `${exchange.method} ${exchange.url.pathname}${exchange.url.search} -> ${answer.status}: ${problem}`;
}

async function main(): Promise<void> {
  const document = (await (await fetch(`${gatewayUrl}/docs-json`)).json()) as Document;
  const api = new OpenAPIBackend({
    definition: document,
    strict: true,
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  });
  await api.init();

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      if (request.url === '/__violations') {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(violations));
        return;
      }
      const url = new URL(request.url ?? '/', gatewayUrl);
      const body = await bodyOf(request);
      const headers = headersOf(request);
      const answer = await fetch(url, {
        method: request.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      const answerBody = Buffer.from(await answer.arrayBuffer());
      if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/health'))
        try {
          violations.push(
            ...check(
              api,
              { method: request.method ?? 'GET', url, headers, body: body.toString() },
              { status: answer.status, headers: answer.headers, body: answerBody.toString() },
            ),
          );
        } catch (error) {
          // The client still gets its answer: a check that fails is a finding, not an outage.
          violations.push(
            finding(
              { method: request.method ?? 'GET', url },
              answer,
              `could not be checked: ${String(error)}`,
            ),
          );
        }
      answer.headers.forEach((value, name) => {
        if (!notForwarded.has(name)) response.setHeader(name, value);
      });
      response.statusCode = answer.status;
      response.end(answerBody);
    })().catch((error: unknown) => {
      violations.push(`proxy failed: ${String(error)}`);
      response.statusCode = 502;
      response.end();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`listening ${address.port}\n`);
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
