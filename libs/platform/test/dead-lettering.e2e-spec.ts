import 'reflect-metadata';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import { ChannelModel, connect } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { eventually } from '../../../test/harness/eventually';
import { rabbitmqUrl } from '../../../test/harness/isolated-environment';
import {
  QueueDeclarationError,
  declareServiceQueues,
  describeMismatch,
} from '../src/messaging/queue-declarations';
import { MessageHandlingInterceptor } from '../src/messaging/message-handling.interceptor';
import {
  QueueDeclaration,
  QueueType,
  RmqEndpoint,
  rmqServerOptions,
  serviceQueueDeclarations,
} from '../src/messaging/rmq.options';
import { ServiceServerRmq } from '../src/messaging/service.server-rmq';

const FAILING_EVENT = 'test.always-fails.v1';
let deliveriesOfFailingEvent = 0;

@Controller()
class FailingHandlers {
  @EventPattern(FAILING_EVENT)
  handle(): void {
    deliveriesOfFailingEvent += 1;
    throw new Error('a bug, not a business answer');
  }
}

@Module({ controllers: [FailingHandlers] })
class FailingModule {}

/** A queue prefix of this test file's own, so runs never share queues. */
function isolatedPrefix(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}.`;
}

describe('Service queues on the real broker', () => {
  let connection: ChannelModel;
  const queuesToDelete = new Set<string>();

  beforeAll(async () => {
    connection = await connect(rabbitmqUrl);
  });

  afterAll(async () => {
    const channel = await connection.createChannel();
    for (const queue of queuesToDelete) await channel.deleteQueue(queue);
    await connection.close();
  });

  function endpointOf(queueType: QueueType, deliveryLimit = 10): RmqEndpoint {
    const endpoint = {
      url: rabbitmqUrl,
      queuePrefix: isolatedPrefix(),
      service: 'probe',
      prefetchCount: 4,
      queueType,
      deliveryLimit,
    };
    const { serviceQueue, deadLetterQueue } = serviceQueueDeclarations(endpoint);
    queuesToDelete.add(serviceQueue.queue).add(deadLetterQueue.queue);
    return endpoint;
  }

  /** The broker refuses a declaration of another type: the cheapest proof of a queue's type. */
  async function isDeclaredAs(
    { queue, options }: QueueDeclaration,
    queueType: QueueType,
  ): Promise<boolean> {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.assertQueue(queue, {
        ...options,
        arguments: { ...options.arguments, 'x-queue-type': queueType },
      });
      await channel.close();
      return true;
    } catch {
      return false;
    }
  }

  async function messagesIn(queue: string): Promise<number> {
    const channel = await connection.createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close();
    }
  }

  async function publish(queue: string, pattern: string): Promise<void> {
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(queue, Buffer.from(JSON.stringify({ pattern, data: {} })), {
      persistent: true,
    });
    await channel.waitForConfirms();
    await channel.close();
  }

  it('declares the service queue and its dead-letter queue as quorum queues by default', async () => {
    const endpoint = endpointOf('quorum');
    const { serviceQueue, deadLetterQueue } = serviceQueueDeclarations(endpoint);

    await declareServiceQueues(rabbitmqUrl, serviceQueueDeclarations(endpoint));

    expect([
      await isDeclaredAs(serviceQueue, 'quorum'),
      await isDeclaredAs(deadLetterQueue, 'quorum'),
      await isDeclaredAs(serviceQueue, 'classic'),
    ]).toEqual([true, true, false]);
  });

  it('refuses with one sentence naming the queue when it exists as a classic queue', async () => {
    const endpoint = endpointOf('quorum');
    const declarations = serviceQueueDeclarations(endpoint);
    await declareServiceQueues(
      rabbitmqUrl,
      serviceQueueDeclarations({ ...endpoint, queueType: 'classic' }),
    );

    const refusal = await declareServiceQueues(rabbitmqUrl, declarations).catch(
      (error: unknown) => error,
    );

    expect(refusal).toBeInstanceOf(QueueDeclarationError);
    expect((refusal as Error).message).toBe(
      `Queue '${declarations.deadLetterQueue.queue}' already exists with another x-queue-type than RMQ_QUEUE_TYPE=quorum asks for: stop the apps using it and run \`npm run queues:migrate\` (it re-declares queues that are empty), or set RMQ_QUEUE_TYPE to match the queue.`,
    );
  });

  it('names RMQ_DELIVERY_LIMIT when only the delivery limit differs', () => {
    const { serviceQueue } = serviceQueueDeclarations(endpointOf('quorum', 3));

    const sentence = describeMismatch(
      serviceQueue,
      "PRECONDITION_FAILED - inequivalent arg 'x-delivery-limit' for queue 'probe' in vhost '/': received '3' but current is '10'",
    );

    expect(sentence).toMatch(
      /^Queue '\S+probe' already exists with another x-delivery-limit than RMQ_DELIVERY_LIMIT=3 asks for: /,
    );
  });

  it('dead-letters a message whose consumers die before settling it, once the delivery limit is used up', async () => {
    const deliveryLimit = 2;
    const endpoint = endpointOf('quorum', deliveryLimit);
    const { serviceQueue, deadLetterQueue } = serviceQueueDeclarations(endpoint);
    await declareServiceQueues(rabbitmqUrl, serviceQueueDeclarations(endpoint));
    await publish(serviceQueue.queue, 'test.poison.v1');

    // Each consumer takes the message and dies holding it, as a crashing process does.
    let deliveries = 0;
    for (let consumer = 0; consumer < deliveryLimit + 2; consumer += 1) {
      const channel = await connection.createChannel();
      const message = await channel.get(serviceQueue.queue, { noAck: false });
      if (message) deliveries += 1;
      await channel.close();
    }
    const deadLetters = await eventually(
      async () => ((await messagesIn(deadLetterQueue.queue)) === 1 ? 1 : undefined),
      10_000,
      'the poison message in the dead-letter queue',
    );

    expect(deliveries).toBe(deliveryLimit + 1);
    expect(deadLetters).toBe(1);
    expect(await messagesIn(serviceQueue.queue)).toBe(0);
  });

  describe.each<QueueType>(['quorum', 'classic'])(
    'an event whose handler fails (%s queue)',
    (queueType) => {
      let service: INestMicroservice;
      let endpoint: RmqEndpoint;

      beforeAll(async () => {
        endpoint = endpointOf(queueType);
        await declareServiceQueues(rabbitmqUrl, serviceQueueDeclarations(endpoint));
        service = await NestFactory.createMicroservice(FailingModule, {
          strategy: new ServiceServerRmq(rmqServerOptions(endpoint).options ?? {}),
          logger: false,
        });
        service.useGlobalInterceptors(new MessageHandlingInterceptor());
        await service.listen();
      });

      afterAll(async () => {
        await service.close();
      });

      it('is redelivered once, then dead-lettered, never dropped and never looping', async () => {
        deliveriesOfFailingEvent = 0;
        const { serviceQueue, deadLetterQueue } = serviceQueueDeclarations(endpoint);

        await publish(serviceQueue.queue, FAILING_EVENT);
        const deadLetters = await eventually(
          async () => ((await messagesIn(deadLetterQueue.queue)) === 1 ? 1 : undefined),
          10_000,
          'the failing event in the dead-letter queue',
        );

        expect(deadLetters).toBe(1);
        expect(deliveriesOfFailingEvent).toBe(2);
        expect(await messagesIn(serviceQueue.queue)).toBe(0);
      });
    },
  );
});
