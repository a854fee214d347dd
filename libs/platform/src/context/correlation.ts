import { Global, Module } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { MessageHeaders } from '@shop/contracts';
import { CLS_ID, ClsService, ClsServiceManager, ClsStore } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';

/** What every log line and outgoing message of a request carries. */
export interface RequestContext extends ClsStore {
  userId?: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller-chosen id ends up in logs and headers: accept only short, plain tokens.
const acceptableId = /^[A-Za-z0-9._:-]{1,128}$/;

export function correlationIdFrom(candidate: unknown): string {
  return typeof candidate === 'string' && acceptableId.test(candidate) ? candidate : randomUUID();
}

/**
 * The HTTP edge's correlation, as a fastify `onRequest` hook: echo the request's id (fastify's
 * `genReqId` takes it from `X-Request-Id` or makes one, see {@link correlationIdFrom}) and run
 * the rest of the request in its nestjs-cls context. Fastify carries that context across the
 * body's stream events into the handler. Not nestjs-cls's middleware: it would run through
 * @fastify/middie and await plugin and proxy hooks we don't use.
 *
 * @example
 * fastify.addHook('onRequest', httpCorrelationHook(app.get(ClsService)));
 */
export function httpCorrelationHook(cls: ClsService<RequestContext>) {
  return (
    request: { id: string },
    reply: { header(name: string, value: string): unknown },
    done: () => void,
  ): void =>
    cls.run(() => {
      cls.set(CLS_ID, request.id);
      reply.header(REQUEST_ID_HEADER, request.id);
      // The request's span (when tracing is on) can be found by the id a client was given.
      trace.getActiveSpan()?.setAttribute('shop.correlation_id', request.id);
      done();
    });
}

/**
 * `ClsService` for every module of an app. Contexts are entered at the edges: the gateway's
 * requests in {@link httpCorrelationHook}, a service's messages in MessageHandlingInterceptor.
 * Not `ClsModule.forRoot`: even unmounted, it registers a global guard and interceptor that
 * do nothing, yet every request and message paid Nest's guard chain and an async resource,
 * deferred observable and promise for that interceptor (about 7 % of the orders service's CPU
 * per product read).
 */
@Global()
@Module({
  providers: [{ provide: ClsService, useValue: ClsServiceManager.getClsService() }],
  exports: [ClsService],
})
export class CorrelationModule {}

/** Headers for a message sent on behalf of the current request. */
export function outgoingHeaders(cls: ClsService<RequestContext>): Record<string, string> {
  const headers: Record<string, string> = {};
  const correlationId = cls.isActive() ? cls.getId() : undefined;
  headers[MessageHeaders.correlationId] = correlationId ?? randomUUID();
  const userId = cls.isActive() ? cls.get('userId') : undefined;
  if (userId) headers[MessageHeaders.userId] = userId;
  return headers;
}
