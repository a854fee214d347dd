import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

/**
 * Names a request's span after the route it matched (`GET /api/orders/:id`, `http.route`), so
 * traces group by endpoint rather than by method alone. The HTTP instrumentation makes the
 * server span for any Node HTTP server and names it from the route a framework reports; this
 * reports Fastify's. Mounted only while tracing is on.
 */
@Injectable()
export class RouteSpanNameInterceptor implements NestInterceptor {
  intercept(executionContext: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metadata = getRPCMetadata(context.active());
    if (metadata?.type === RPCType.HTTP)
      metadata.route = executionContext
        .switchToHttp()
        .getRequest<FastifyRequest>().routeOptions.url;
    return next.handle();
  }
}
