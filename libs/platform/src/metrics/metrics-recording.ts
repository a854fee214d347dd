import type { NextFunction, Request, Response } from 'express';
import { MessageObserver } from '../messaging/message-handling.interceptor';
import { Metrics } from './metrics';

function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}

/** Times every RMQ message handler of the app, by pattern and outcome. */
export function messageMetrics(metrics: Metrics): MessageObserver {
  return {
    handled(pattern, seconds, error) {
      metrics.messageHandlerDuration.observe(
        { pattern, outcome: error === undefined ? 'success' : 'error' },
        seconds,
      );
    },
  };
}

/**
 * Times every HTTP request once the response is sent, so the status is the final one (after
 * exception filters). Labels use the route template: ids in paths would explode the label set.
 */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = process.hrtime.bigint();
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.httpRequestDuration.observe(
        { method: request.method, route, status: String(response.statusCode) },
        secondsSince(startedAt),
      );
    });
    next();
  };
}
