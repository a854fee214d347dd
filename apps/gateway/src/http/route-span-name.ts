import { context } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';
import type { FastifyInstance } from 'fastify';

/**
 * Names a request's span after the route it matched (`GET /api/orders/:id`, `http.route`), so
 * traces group by endpoint rather than by method alone. The HTTP instrumentation makes the
 * server span for any Node HTTP server and names it from the route a framework reports; this
 * reports Fastify's, from a hook rather than a Nest interceptor, which would put every request
 * through an rxjs chain. Mounted only while tracing is on.
 */
export function nameSpansAfterRoutes(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const metadata = getRPCMetadata(context.active());
    if (metadata?.type === RPCType.HTTP && request.routeOptions.url)
      metadata.route = request.routeOptions.url;
    done();
  });
}
