import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RmqContext } from '@nestjs/microservices';
import { MessageHeaders } from '@shop/contracts';
import type { Channel, Message } from 'amqplib';
import { ClsServiceManager } from 'nestjs-cls';
import { lastValueFrom, of, throwError, defer } from 'rxjs';
import { DomainError } from '../errors/domain.error';
import { MessageHandlingInterceptor, MessageObserver } from './message-handling.interceptor';

function rmqMessage(headers: Record<string, unknown>, replyTo?: string): Message {
  return {
    content: Buffer.from('{}'),
    fields: { redelivered: false },
    properties: { headers, replyTo },
  } as unknown as Message;
}

function contextOf(message: Message, channel: Partial<Channel>) {
  const host = new ExecutionContextHost([
    {},
    new RmqContext([message, channel, 'orders.place.v1']),
  ]);
  host.setType('rpc');
  return host;
}

describe('MessageHandlingInterceptor', () => {
  const cls = ClsServiceManager.getClsService();
  let channel: { ack: jest.Mock; nack: jest.Mock };
  let handled: Parameters<MessageObserver['handled']>[];
  let interceptor: MessageHandlingInterceptor;

  beforeEach(() => {
    channel = { ack: jest.fn(), nack: jest.fn() };
    handled = [];
    interceptor = new MessageHandlingInterceptor({
      cls,
      observers: [{ handled: (...args) => handled.push(args) }],
    });
  });

  it("runs the handler in the caller's context and acknowledges after it", async () => {
    const message = rmqMessage({
      [MessageHeaders.correlationId]: 'req-42',
      [MessageHeaders.userId]: 'user-7',
    });
    const seenInHandler = defer(() => {
      expect(channel.ack).not.toHaveBeenCalled();
      return of({ correlationId: cls.getId(), userId: cls.get('userId') });
    });

    const answer = await lastValueFrom(
      interceptor.intercept(contextOf(message, channel), { handle: () => seenInHandler }),
    );

    expect(answer).toEqual({ correlationId: 'req-42', userId: 'user-7' });
    expect(channel.ack).toHaveBeenCalledWith(message);
    expect(handled).toEqual([['orders.place.v1', expect.any(Number), undefined]]);
  });

  it('acknowledges a business failure as an answer and tells the observers about it', async () => {
    const message = rmqMessage({}, 'amq.rabbitmq.reply-to');
    const failure = new DomainError('OUT_OF_STOCK', 'Only 2 left');

    await expect(
      lastValueFrom(
        interceptor.intercept(contextOf(message, channel), {
          handle: () => throwError(() => failure),
        }),
      ),
    ).rejects.toBe(failure);

    expect(channel.ack).toHaveBeenCalledWith(message);
    expect(handled).toEqual([['orders.place.v1', expect.any(Number), failure]]);
  });

  it('dead-letters a request whose handler failed unexpectedly', async () => {
    const message = rmqMessage({}, 'amq.rabbitmq.reply-to');

    await expect(
      lastValueFrom(
        interceptor.intercept(contextOf(message, channel), {
          handle: () => throwError(() => new TypeError('a bug')),
        }),
      ),
    ).rejects.toThrow('a bug');

    expect(channel.nack).toHaveBeenCalledWith(message, false, false);
  });
});
