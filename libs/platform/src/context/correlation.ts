import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
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
 * The HTTP edge's correlation: take `X-Request-Id` or make one, echo it back, and run the rest
 * of the request in its nestjs-cls context. Not `ClsModule.forRoot`: that also registers a
 * global guard and interceptor that do nothing here, yet send every request through Nest's
 * guard and rxjs interceptor chains; and its middleware awaits plugin and proxy hooks we
 * don't use.
 */
export function httpCorrelationMiddleware(cls: ClsService<RequestContext>) {
  return (
    request: { headers: Record<string, unknown> },
    response: { setHeader(name: string, value: string): void },
    next: () => void,
  ): void =>
    cls.run(() => {
      const correlationId = correlationIdFrom(request.headers[REQUEST_ID_HEADER]);
      cls.set(CLS_ID, correlationId);
      response.setHeader(REQUEST_ID_HEADER, correlationId);
      next();
    });
}

/** `ClsService` for every module, and the correlation middleware in front of every route. */
@Global()
@Module({
  providers: [{ provide: ClsService, useValue: ClsServiceManager.getClsService() }],
  exports: [ClsService],
})
export class HttpCorrelationModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Where ClsModule.forRoot mounts its middleware on Express 5.
    consumer.apply(httpCorrelationMiddleware(ClsServiceManager.getClsService())).forRoutes('/');
  }
}

/** Headers for a message sent on behalf of the current request. */
export function outgoingHeaders(cls: ClsService<RequestContext>): Record<string, string> {
  const headers: Record<string, string> = {};
  const correlationId = cls.isActive() ? cls.getId() : undefined;
  headers[MessageHeaders.correlationId] = correlationId ?? randomUUID();
  const userId = cls.isActive() ? cls.get('userId') : undefined;
  if (userId) headers[MessageHeaders.userId] = userId;
  return headers;
}
