import { DynamicModule, Module } from '@nestjs/common';
import { BaseEnv } from '../config/base.env';
import { CorrelationModule } from '../context/correlation';
import { EnvModule } from '../config/env.module';
import { ServiceHealthModule } from '../health/service-health.module';
import { PingHandler, SERVICE_NAME } from '../health/ping.handler';
import { MessageDrain } from '../messaging/message-drain';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import { QueueDepthProbe } from '../metrics/queue-depth.probe';
import { TracingModule } from '../tracing/tracing.module';

export interface ServicePlatformOptions<TEnv extends BaseEnv> {
  service: string;
  env: new () => TEnv;
  database: 'typeorm' | 'mongoose';
}

/** Everything an RMQ service needs around its features: env, correlation, logs, traces, health. */
@Module({})
export class ServicePlatformModule {
  static forRoot<TEnv extends BaseEnv>({
    service,
    env,
    database,
  }: ServicePlatformOptions<TEnv>): DynamicModule {
    return {
      module: ServicePlatformModule,
      global: true,
      controllers: [PingHandler],
      providers: [{ provide: SERVICE_NAME, useValue: service }, MessageDrain, QueueDepthProbe],
      exports: [MessageDrain, QueueDepthProbe],
      imports: [
        EnvModule.forRoot(env),
        // Only ClsService: MessageHandlingInterceptor runs each message in its context.
        CorrelationModule,
        LoggingModule.forRoot(service),
        MetricsModule.forRoot(service),
        TracingModule,
        database === 'typeorm'
          ? ServiceHealthModule.forTypeOrm()
          : ServiceHealthModule.forMongoose(),
      ],
    };
  }
}
