import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's defaults everywhere but Swagger UI, whose page drops `upgrade-insecure-requests`:
 * with it a browser fetches the page's scripts and styles over https, which a gateway reached
 * over plain HTTP at any name but localhost (docker-compose, a LAN address) does not serve,
 * and /docs stays blank. Every other answer, the API's included, keeps the strict policy.
 */
export function securityHeaders(): RequestHandler {
  const strictHeaders = helmet();
  const docsHeaders = helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  return (request, response, next) =>
    request.path === '/docs' || request.path.startsWith('/docs/')
      ? docsHeaders(request, response, next)
      : strictHeaders(request, response, next);
}
