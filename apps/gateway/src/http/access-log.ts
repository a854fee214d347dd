import { BaseEnv, writesLogLines } from '@shop/platform';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';

// Health probes every few seconds would drown the useful lines.
function isProbe(url: string): boolean {
  return url.startsWith('/health') || url === '/metrics';
}

/**
 * One line per answered request, at LOG_LEVEL=log and below: method, URL, status, time and
 * correlation id, through the app's pino logger. Only what the line needs is copied: pino-http
 * serializes the whole request first, and fastify's own logging writes a second line per
 * request and makes a child logger for each.
 */
export function logRequests(fastify: FastifyInstance, env: BaseEnv): void {
  if (!writesLogLines(env)) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!isProbe(request.url)) {
      const responseTime = Math.round(reply.elapsedTime);
      // Set by nestjs-pino when the app initializes, before the first request. The message
      // says it all for a reader of the readable format; the fields are for log queries.
      PinoLogger.root.info(
        {
          req: { method: request.method, url: request.url },
          res: { statusCode: reply.statusCode },
          responseTime,
          correlationId: request.id,
        },
        `${request.method} ${request.url} ${reply.statusCode} in ${responseTime} ms`,
      );
    }
    done();
  });
}
