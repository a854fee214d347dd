import './tracing';
// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { portOf, runApp } from '@shop/platform';
import { createGatewayApp } from './gateway.app';
import { GatewayEnv } from './gateway.env';

runApp(async () => {
  const app = await createGatewayApp();
  // Fastify listens on localhost only unless told otherwise; a container is reached from outside.
  await app.listen(app.get(GatewayEnv).GATEWAY_PORT, '0.0.0.0');
  const port = portOf(app);
  new Logger('gateway').log(
    `listening on port ${port}: API http://localhost:${port}/api, Swagger UI http://localhost:${port}/docs`,
  );
  return app;
});
