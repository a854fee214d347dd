import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import {
  HttpErrorFilter,
  Metrics,
  httpMetricsMiddleware,
  loadEnv,
  strictValidationPipe,
} from '@shop/platform';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ClsService } from 'nestjs-cls';
import { setUpSwagger } from './docs/swagger';
import { GatewayAppModule } from './gateway-app.module';
import { GatewayEnv } from './gateway.env';
import { HttpDrain } from './http/http-drain';
import { jsonBodyErrors, jsonBodyOptions } from './http/json-body';
import { requireJsonContentType } from './http/json-content-type';
import { securityHeaders } from './http/security-headers';

/** The gateway, configured but not yet listening; main.ts and the e2e tests share it. */
export async function createGatewayApp(): Promise<INestApplication> {
  // Fails with one sentence before Nest starts when a variable is wrong.
  loadEnv(GatewayEnv);
  const app = await NestFactory.create<NestExpressApplication>(GatewayAppModule, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  const env = app.get(GatewayEnv);
  // Rate limits count per client address; behind a proxy that address is the proxy's own.
  if (env.trustProxy !== undefined) app.set('trust proxy', env.trustProxy);
  // First, so that even a body the parser refuses is answered with them.
  app.use(securityHeaders());
  app.use(app.get(HttpDrain).middleware);
  app.use(requireJsonContentType);
  app.useBodyParser('json', jsonBodyOptions(env.HTTP_BODY_LIMIT_BYTES));
  app.use(jsonBodyErrors);
  app.use(httpMetricsMiddleware(app.get(Metrics)));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter(app.get(ClsService)));
  app.enableShutdownHooks();
  setUpSwagger(app);
  return app;
}
