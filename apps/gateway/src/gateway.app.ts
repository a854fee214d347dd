import { INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { HttpErrorFilter, loadEnv, logLevelsFrom, strictValidationPipe } from '@shop/platform';
import helmet from 'helmet';
import { ClsService } from 'nestjs-cls';
import { setUpSwagger } from './docs/swagger';
import { GatewayAppModule } from './gateway-app.module';
import { GatewayEnv } from './gateway.env';

/** The gateway, configured but not yet listening; main.ts and the e2e tests share it. */
export async function createGatewayApp(): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayAppModule, {
    bodyParser: false,
    logger: logLevelsFrom(loadEnv(GatewayEnv).LOG_LEVEL),
  });
  const env = app.get(GatewayEnv);
  app.useBodyParser('json', { limit: env.HTTP_BODY_LIMIT_BYTES });
  app.use(helmet());
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter(app.get(ClsService)));
  app.enableShutdownHooks();
  setUpSwagger(app);
  return app;
}
