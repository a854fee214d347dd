import { ExecutionContext } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { MessageHeaders } from '@shop/contracts';
import { ClsModuleOptions, ClsService, ClsStore } from 'nestjs-cls';
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

/** nestjs-cls for the HTTP edge: take `X-Request-Id` or make one, and echo it back. */
export function httpCorrelationOptions(): ClsModuleOptions {
  return {
    global: true,
    middleware: {
      mount: true,
      generateId: true,
      // We have no proxy providers; resolving none still costs a pass per request.
      resolveProxyProviders: false,
      idGenerator: (request: { headers: Record<string, unknown> }) =>
        correlationIdFrom(request.headers[REQUEST_ID_HEADER]),
      setup: (
        cls: ClsService,
        _request: unknown,
        response: { setHeader(name: string, value: string): void },
      ) => response.setHeader(REQUEST_ID_HEADER, cls.getId()),
    },
  };
}

function headersOf(context: ExecutionContext): Record<string, unknown> {
  if (context.getType() !== 'rpc') return {};
  const rpcContext = context.switchToRpc().getContext<unknown>();
  if (!(rpcContext instanceof RmqContext)) return {};
  const message = rpcContext.getMessage() as { properties?: { headers?: Record<string, unknown> } };
  return message.properties?.headers ?? {};
}

/** nestjs-cls for RMQ services: restore the caller's correlation id and user from message headers. */
export function rpcCorrelationOptions(): ClsModuleOptions {
  return {
    global: true,
    interceptor: {
      mount: true,
      generateId: true,
      // We have no proxy providers; resolving none still costs a pass per message.
      resolveProxyProviders: false,
      idGenerator: (context: ExecutionContext) =>
        correlationIdFrom(headersOf(context)[MessageHeaders.correlationId]),
      setup: (cls: ClsService<RequestContext>, context: ExecutionContext) => {
        const userId = headersOf(context)[MessageHeaders.userId];
        if (typeof userId === 'string') cls.set('userId', userId);
      },
    },
  };
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
