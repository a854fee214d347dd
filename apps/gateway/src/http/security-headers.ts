import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What helmet sets on a response, recorded once. With our options every header is static, so
 * one hook applying the recording replaces helmet's dozen middlewares per request (which
 * @fastify/helmet runs), with helmet still the source of the values. What helmet removes
 * (`X-Powered-By`) fastify never sends.
 */
function recordHeaders(options?: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => (headers[name] = String(value)),
    removeHeader: () => undefined,
  };
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  return headers;
}

function isSwaggerUi(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route === '/docs' || route?.startsWith('/docs/') === true;
}

/**
 * helmet's defaults everywhere but Swagger UI, whose page drops `upgrade-insecure-requests`:
 * with it a browser fetches the page's scripts and styles over https, which a gateway reached
 * over plain HTTP at any name but localhost (docker-compose, a LAN address) does not serve,
 * and /docs stays blank. Every other answer, the API's included, keeps the strict policy.
 */
export function securityHeaders() {
  const strictHeaders = recordHeaders();
  const docsHeaders = recordHeaders({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    reply.headers(isSwaggerUi(request) ? docsHeaders : strictHeaders);
    done();
  };
}
