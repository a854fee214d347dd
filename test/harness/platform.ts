import { INestApplication } from '@nestjs/common';
import { bootstrapService } from '@shop/platform';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { UsersAppModule } from '../../apps/users/src/users-app.module';
import {
  IsolatedEnvironment,
  applyEnvironment,
  createIsolatedEnvironment,
} from './isolated-environment';

export type AppName = 'gateway' | 'users';

export interface RunningPlatform {
  environment: IsolatedEnvironment;
  gateway: INestApplication;
  /** The gateway's HTTP server, for supertest. */
  http: ReturnType<INestApplication['getHttpServer']>;
  stop(): Promise<void>;
}

/**
 * Boots the given apps in this process against the real broker and databases, each test
 * file in its own isolated environment.
 */
export async function startPlatform(
  extraVariables: Record<string, string> = {},
): Promise<RunningPlatform> {
  const environment = await createIsolatedEnvironment();
  applyEnvironment({ ...environment.variables, ...extraVariables });
  const services = [await bootstrapService(UsersAppModule, { service: 'users', httpPort: 0 })];
  const gateway = await createGatewayApp();
  await gateway.listen(0);
  return {
    environment,
    gateway,
    http: gateway.getHttpServer(),
    async stop() {
      await gateway.close();
      for (const service of services) await service.close();
      await environment.dispose();
    },
  };
}
