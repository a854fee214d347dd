import type { Request, RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

interface HeaderChanges {
  set: Array<[name: string, value: string]>;
  removed: string[];
}

/**
 * What helmet does to a response, recorded once. With our options every header is static, so
 * one middleware applying the recording replaces helmet's dozen per request, with helmet still
 * the source of the values.
 */
function recordHeaders(options?: Readonly<HelmetOptions>): HeaderChanges {
  const changes: HeaderChanges = { set: [], removed: [] };
  const recorder = {
    setHeader: (name: string, value: unknown) => changes.set.push([name, String(value)]),
    removeHeader: (name: string) => changes.removed.push(name),
  };
  helmet(options)({} as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error) throw error;
  });
  return changes;
}

function apply({ set, removed }: HeaderChanges, response: Response): void {
  for (const [name, value] of set) response.setHeader(name, value);
  for (const name of removed) response.removeHeader(name);
}

/**
 * helmet's defaults everywhere but Swagger UI, whose page drops `upgrade-insecure-requests`:
 * with it a browser fetches the page's scripts and styles over https, which a gateway reached
 * over plain HTTP at any name but localhost (docker-compose, a LAN address) does not serve,
 * and /docs stays blank. Every other answer, the API's included, keeps the strict policy.
 */
export function securityHeaders(): RequestHandler {
  const strictHeaders = recordHeaders();
  const docsHeaders = recordHeaders({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  return (request, response, next) => {
    apply(
      request.path === '/docs' || request.path.startsWith('/docs/') ? docsHeaders : strictHeaders,
      response,
    );
    next();
  };
}
