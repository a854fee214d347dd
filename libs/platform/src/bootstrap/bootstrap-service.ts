import { INestApplication, Logger, Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { BaseEnv } from '../config/base.env';
import { RpcErrorFilter } from '../errors/rpc-error.filter';
import { ensureDeadLetterQueue } from '../messaging/dead-letter-queue';
import { MessageDrain } from '../messaging/message-drain';
import { RmqAckInterceptor } from '../messaging/rmq-ack.interceptor';
import { queueName, rmqServerOptions } from '../messaging/rmq.options';
import { ServiceServerRmq } from '../messaging/service.server-rmq';

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

  const transport = rmqServerOptions({
    url: env.RABBITMQ_URL,
    queuePrefix: env.RMQ_QUEUE_PREFIX,
    service,
    prefetchCount: env.RMQ_PREFETCH,
  });
  await ensureDeadLetterQueue(env.RABBITMQ_URL, queueName(env.RMQ_QUEUE_PREFIX, service));
  // Global enhancers are read when the microservice is connected, so they come first.
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  app.useGlobalInterceptors(new RmqAckInterceptor(app.get(MessageDrain)));
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
