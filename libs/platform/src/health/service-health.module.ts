import { Controller, DynamicModule, FactoryProvider, Get, Inject, Module } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
  MongooseHealthIndicator,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { QueueDepthProbe } from '../metrics/queue-depth.probe';

const DATABASE_PING = Symbol('DATABASE_PING');
const PING_TIMEOUT_MS = 1_500;

type DatabasePing = () => Promise<HealthIndicatorResult>;

/**
 * `GET /health` of a service: 200 while its database answers and the broker knows its queue
 * (docker-compose healthchecks use it), with the messages waiting there.
 */
@Controller('health')
class ServiceHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly queues: QueueDepthProbe,
    @Inject(DATABASE_PING) private readonly pingDatabase: DatabasePing,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([this.pingDatabase, () => this.checkBroker()]);
  }

  private async checkBroker(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('broker');
    try {
      const [queue, deadLetters] = await this.queues.read();
      return indicator.up({ messages: queue.messages, deadLetters: deadLetters.messages });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
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
