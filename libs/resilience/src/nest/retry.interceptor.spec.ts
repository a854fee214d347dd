import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { defer, firstValueFrom, of } from 'rxjs';
import { FakeClock } from '../clock/fake-clock';
import { constant } from '../retry/backoff';
import { Retryable } from './retryable.decorator';
import { RetryInterceptor } from './retry.interceptor';

const clock = new FakeClock(0);

class CatalogHandlers {
  calls = 0;

  @Retryable({ maxAttempts: 3 })
  async reindex(): Promise<string> {
    this.calls++;
    if (this.calls < 3) throw new Error('search engine unavailable');
    return 'reindexed';
  }

  async list(): Promise<string> {
    this.calls++;
    throw new Error('not retried');
  }
}

@Retryable({ maxAttempts: 2 })
class RetriedEverywhere {
  calls = 0;

  async handle(): Promise<string> {
    this.calls++;
    if (this.calls < 2) throw new Error('once');
    return 'handled';
  }
}

function invoke<T extends object>(
  sut: RetryInterceptor,
  instance: T,
  method: keyof T & string,
): Promise<unknown> {
  const handler = (instance as Record<string, () => Promise<unknown>>)[method];
  const context = {
    getHandler: () => handler,
    getClass: () => instance.constructor,
  } as unknown as ExecutionContext;
  // Like Nest, every subscription runs the handler again.
  const next: CallHandler = { handle: () => defer(() => handler.call(instance)) };
  return firstValueFrom(sut.intercept(context, next));
}

describe(RetryInterceptor.name, () => {
  const sut = new RetryInterceptor(new Reflector(), {
    handlerRetry: { backoff: constant(10) },
    clock,
  });

  it('re-runs a @Retryable handler until it succeeds', async () => {
    const handlers = new CatalogHandlers();

    const result = invoke(sut, handlers, 'reindex');
    await clock.advanceBy(20);

    await expect(result).resolves.toBe('reindexed');
    expect(handlers.calls).toBe(3);
  });

  it('passes other handlers through untouched', async () => {
    const handlers = new CatalogHandlers();

    await expect(invoke(sut, handlers, 'list')).rejects.toThrow('not retried');
    expect(handlers.calls).toBe(1);
  });

  it('applies a class-level @Retryable to every handler of the class', async () => {
    const handlers = new RetriedEverywhere();

    const result = invoke(sut, handlers, 'handle');
    await clock.advanceBy(10);

    await expect(result).resolves.toBe('handled');
  });

  it('works without module options', async () => {
    const bare = new RetryInterceptor(new Reflector());
    const context = {
      getHandler: () => CatalogHandlers.prototype.list,
      getClass: () => CatalogHandlers,
    } as unknown as ExecutionContext;

    await expect(
      firstValueFrom(bare.intercept(context, { handle: () => of('plain') })),
    ).resolves.toBe('plain');
  });
});
