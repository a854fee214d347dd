import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  HttpErrorFilter,
  Metrics,
  REQUEST_ID_HEADER,
  RequestContext,
  correlationIdFrom,
  httpCorrelationHook,
  isTracingStarted,
  loadEnv,
  strictValidationPipe,
} from '@shop/platform';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ClsServiceManager } from 'nestjs-cls';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { setUpSwagger } from './docs/swagger';
import { GatewayAppModule } from './gateway-app.module';
import { GatewayEnv } from './gateway.env';
import { logRequests } from './http/access-log';
import { recordHttpMetrics } from './http/http-metrics';
import { useJsonBodies } from './http/json-body';
import { refuseNonJsonBodies } from './http/json-content-type';
import { nameSpansAfterRoutes } from './http/route-span-name';
import { securityHeaders } from './http/security-headers';

/** The gateway, configured but not yet listening; main.ts and the e2e tests share it. */
export async function createGatewayApp(): Promise<NestFastifyApplication> {
  // Fails with one sentence before Nest starts when a variable is wrong.
  const env = loadEnv(GatewayEnv);
  // The instance CorrelationModule provides; needed here before the app exists.
  const cls = ClsServiceManager.getClsService<RequestContext>();
  const withSecurityHeaders = securityHeaders();
  const withCorrelation = httpCorrelationHook(cls);
  const adapter = new FastifyAdapter({
    // Rate limits count per client address; behind a proxy that address is the proxy's own.
    trustProxy: env.trustProxy ?? false,
    bodyLimit: env.HTTP_BODY_LIMIT_BYTES,
    // request.id is the correlation id: the caller's X-Request-Id when acceptable, else new.
    genReqId: (request: IncomingMessage) => correlationIdFrom(request.headers[REQUEST_ID_HEADER]),
    // While closing, fastify answers every request with `Connection: close` and closes idle
    // sockets; one that arrives on an open connection is still served, not refused with a 503
    // in a shape of fastify's own.
    return503OnClosing: false,
    // A URL the router cannot decode (`/api/products/%E0%A4%A`) is answered by fastify before
    // any hook and past Nest's filter, in a shape of its own: answer it as any other error.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      withSecurityHeaders(request, reply, () =>
        withCorrelation(request, reply, () => errorFilter.answer(error, request, reply)),
      ),
    routerOptions: {
      // As Express routed: `/api/products/` is `/api/products`, `/API/products` too.
      ignoreTrailingSlash: true,
      caseSensitive: false,
      // An over-long `:id` is a 400 naming the id, as any other bad id, not a 404 (default 100).
      maxParamLength: 16_384,
    },
  });
  const errorFilter = new HttpErrorFilter(cls, adapter);
  const app = await NestFactory.create<NestFastifyApplication>(GatewayAppModule, adapter, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  const fastify = app.getHttpAdapter().getInstance();
  // First, so that even a body the parser refuses is answered with them.
  fastify.addHook('onRequest', withSecurityHeaders);
  fastify.addHook('onRequest', withCorrelation);
  fastify.addHook('onRequest', refuseNonJsonBodies);
  useJsonBodies(fastify);
  recordHttpMetrics(fastify, app.get(Metrics));
  if (isTracingStarted()) nameSpansAfterRoutes(fastify);
  logRequests(fastify, app.get(GatewayEnv));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(errorFilter);
  app.enableShutdownHooks();
  setUpSwagger(app);
  return app;
}
