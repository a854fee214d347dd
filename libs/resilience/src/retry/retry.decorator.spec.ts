import 'reflect-metadata';
import { SetMetadata } from '@nestjs/common';
import { FakeClock } from '../clock/fake-clock';
import { constant } from './backoff';
import { Retry } from './retry.decorator';

const clock = new FakeClock(0);

class ExchangeRates {
  calls = 0;

  constructor(private readonly failures: number) {}

  @Retry({ maxAttempts: 3, backoff: constant(0), clock })
  async latest(currency: string): Promise<string> {
    this.calls++;
    if (this.calls <= this.failures) throw new Error('rate service unavailable');
    return `${currency}:1.08`;
  }
}

describe(Retry.name, () => {
  it('retries the method with its own this and arguments', async () => {
    const sut = new ExchangeRates(2);

    const rate = sut.latest('EUR');
    await clock.advanceBy(0);

    await expect(rate).resolves.toBe('EUR:1.08');
    expect(sut.calls).toBe(3);
  });

  it('gives up after maxAttempts', async () => {
    const sut = new ExchangeRates(5);

    const rate = sut.latest('EUR').catch((error: unknown) => error);
    await clock.advanceBy(0);

    await expect(rate).resolves.toEqual(new Error('rate service unavailable'));
    expect(sut.calls).toBe(3);
  });

  it('keeps the name and the reflect-metadata of the method', () => {
    class Handler {
      @Retry()
      @SetMetadata('pattern', 'rates.latest.v1')
      async handle(): Promise<void> {}
    }

    expect(Handler.prototype.handle.name).toBe('handle');
    expect(Reflect.getMetadata('pattern', Handler.prototype.handle)).toBe('rates.latest.v1');
  });

  it('refuses to decorate something that is not a method', () => {
    const decorate = Retry();

    expect(() => decorate({}, 'value', { value: 42 as never })).toThrow(
      '@Retry() decorates methods; value is not one',
    );
  });
});
