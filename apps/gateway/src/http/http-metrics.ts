import type { Metrics } from '@shop/platform';
import type { FastifyInstance } from 'fastify';

/**
 * Times every HTTP request once the response is sent, so the status is the final one (after
 * exception filters). Labels use the route template: ids in paths would explode the label set.
 */
export function recordHttpMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1_000,
    );
    done();
  });
}
