import './tracing';
// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
import { USERS_SERVICE } from '@shop/contracts';
import { bootstrapService, loadEnv, runApp } from '@shop/platform';
import { UsersEnv } from './users.env';
import { UsersAppModule } from './users-app.module';

runApp(() =>
  bootstrapService(UsersAppModule, {
    service: USERS_SERVICE,
    httpPort: loadEnv(UsersEnv).USERS_HTTP_PORT,
  }),
);
