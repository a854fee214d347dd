import { Controller, DynamicModule, FactoryProvider, Get, Inject, Module } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorResult,
  MongooseHealthIndicator,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';

const DATABASE_PING = Symbol('DATABASE_PING');
const PING_TIMEOUT_MS = 1_500;

type DatabasePing = () => Promise<HealthIndicatorResult>;

/** `GET /health` of a service: 200 while its database answers (docker-compose healthchecks use it). */
@Controller('health')
class ServiceHealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(DATABASE_PING) private readonly pingDatabase: DatabasePing,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([this.pingDatabase]);
  }
}

@Module({})
export class ServiceHealthModule {
  static forTypeOrm(): DynamicModule {
    return ServiceHealthModule.with({
      provide: DATABASE_PING,
      inject: [TypeOrmHealthIndicator],
      useFactory:
        (indicator: TypeOrmHealthIndicator): DatabasePing =>
        () =>
          indicator.pingCheck('database', { timeout: PING_TIMEOUT_MS }),
    });
  }

  static forMongoose(): DynamicModule {
    return ServiceHealthModule.with({
      provide: DATABASE_PING,
      inject: [MongooseHealthIndicator],
      useFactory:
        (indicator: MongooseHealthIndicator): DatabasePing =>
        () =>
          indicator.pingCheck('database', { timeout: PING_TIMEOUT_MS }),
    });
  }

  private static with(databasePing: FactoryProvider<DatabasePing>): DynamicModule {
    return {
      module: ServiceHealthModule,
      imports: [TerminusModule],
      controllers: [ServiceHealthController],
      providers: [databasePing],
    };
  }
}
