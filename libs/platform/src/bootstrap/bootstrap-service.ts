import { INestApplication, Logger, Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { BaseEnv } from '../config/base.env';
import { RpcErrorFilter } from '../errors/rpc-error.filter';
import { MessageDrain } from '../messaging/message-drain';
import { MessageHandlingInterceptor } from '../messaging/message-handling.interceptor';
import { messageLogLines } from '../logging/message-log-lines';
import { writesLogLines } from '../logging/logging.module';
import { Metrics } from '../metrics/metrics';
import { messageMetrics } from '../metrics/metrics-recording';
import { ClsService } from 'nestjs-cls';
import { declareServiceQueues } from '../messaging/queue-declarations';
import {
  queueName,
  rmqEndpoint,
  rmqServerOptions,
  serviceQueueDeclarations,
} from '../messaging/rmq.options';
import { ServiceServerRmq } from '../messaging/service.server-rmq';
import { messageSpanOutcomes } from '../tracing/message-spans';
import { isTracingStarted } from '../tracing/start-tracing';

export interface ServiceBootstrapOptions {
  /** The service's name; its queue is `${RMQ_QUEUE_PREFIX}${service}`. */
  service: string;
  /** Port of the service's own HTTP endpoint (health); 0 picks a free one. */
  httpPort: number;
}

/** Validation of every incoming message: unknown fields are refused, not silently kept. */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
}

/**
 * Starts an RMQ service the same way everywhere: validated input, errors as RpcErrorPayloads,
 * acknowledgements after the work is done, and a small HTTP server for health checks.
 */
export async function bootstrapService(
  module: Type<unknown>,
  { service, httpPort }: ServiceBootstrapOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  const env = app.get(BaseEnv);
  app.enableShutdownHooks();

  const endpoint = rmqEndpoint(env, service);
  const transport = rmqServerOptions(endpoint);
  // Before the consumer: a queue of the other type fails here with one sentence, not later
  // with a channel the broker closes on every reconnect.
  await declareServiceQueues(env.RABBITMQ_URL, serviceQueueDeclarations(endpoint));
  // Global enhancers are read when the microservice is connected, so they come first.
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  app.useGlobalInterceptors(
    new MessageHandlingInterceptor({
      drain: app.get(MessageDrain),
      cls: app.get(ClsService),
      observers: [
        messageMetrics(app.get(Metrics)),
        ...(writesLogLines(env) ? [messageLogLines()] : []),
        ...(isTracingStarted() ? [messageSpanOutcomes()] : []),
      ],
    }),
  );
  app.connectMicroservice(
    { strategy: new ServiceServerRmq(transport.options ?? {}) },
    { inheritAppConfig: true },
  );

  await app.startAllMicroservices();
  await app.listen(httpPort);
  new Logger(service).log(
    `Consuming ${queueName(env.RMQ_QUEUE_PREFIX, service)}; HTTP (health, metrics) listening on port ${portOf(app)}`,
  );
  return app;
}

export function portOf(app: INestApplication): number {
  const address = app.getHttpServer().address() as { port: number } | null;
  return address?.port ?? 0;
}
