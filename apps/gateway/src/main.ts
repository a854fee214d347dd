// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createGatewayApp } from './gateway.app';
import { GatewayEnv } from './gateway.env';

async function main() {
  const app = await createGatewayApp();
  const { GATEWAY_PORT } = app.get(GatewayEnv);
  await app.listen(GATEWAY_PORT);
  const logger = new Logger('gateway');
  logger.log(`API on http://localhost:${GATEWAY_PORT}/api, Swagger UI on http://localhost:${GATEWAY_PORT}/docs`);
}

void main();
