import { ErrorCodes } from '@shop/contracts';
import { DomainError } from '@shop/platform';
import { AuthorizationRequest } from './payment-processor.port';
import { FLAKY_FAILED_ATTEMPTS, SimulatedPaymentProcessor } from './simulated-payment.processor';

describe(SimulatedPaymentProcessor.name, () => {
  let sut: SimulatedPaymentProcessor;

  beforeEach(() => {
    sut = new SimulatedPaymentProcessor();
  });

  function request(
    paymentMethod: string,
    idempotencyKey = 'order-1:authorize',
  ): AuthorizationRequest {
    return { idempotencyKey, amountMinor: 4_999, currency: 'EUR', paymentMethod };
  }

  async function failureOf(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  it('approves tok_visa with a reference', async () => {
    const result = await sut.authorize(request('tok_visa'));

    expect(result).toEqual({
      approved: true,
      reference: expect.stringMatching(/^sim_[0-9a-f]{24}$/),
    });
  });

  it('answers a repeated authorization with the same reference, as a PSP does per idempotency key', async () => {
    const first = await sut.authorize(request('tok_visa', 'key-a'));
    const again = await sut.authorize(request('tok_visa', 'key-a'));
    const other = await sut.authorize(request('tok_visa', 'key-b'));

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it.each([
    ['tok_declined', 'card_declined'],
    ['tok_insufficient_funds', 'insufficient_funds'],
    ['tok_mastercard', 'unsupported_payment_method'],
    ['', 'unsupported_payment_method'],
  ])('declines %s with %s, as a result and not an error', async (paymentMethod, reason) => {
    const result = await sut.authorize(request(paymentMethod));

    expect(result).toEqual({ approved: false, reason });
  });

  it('fails tok_flaky transiently on its first attempts', async () => {
    const failures = [];
    for (let attempt = 0; attempt < FLAKY_FAILED_ATTEMPTS; attempt += 1) {
      failures.push(await failureOf(sut.authorize(request('tok_flaky'))));
    }

    expect(failures).toHaveLength(2);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({ code: ErrorCodes.paymentProcessorUnavailable });
    }
  });

  it('approves tok_flaky on the third attempt and stays approved', async () => {
    for (let attempt = 0; attempt < FLAKY_FAILED_ATTEMPTS; attempt += 1)
      await failureOf(sut.authorize(request('tok_flaky')));

    const third = await sut.authorize(request('tok_flaky'));
    const fourth = await sut.authorize(request('tok_flaky'));

    expect(third).toEqual({ approved: true, reference: expect.any(String) });
    expect(fourth).toEqual(third);
  });

  it('counts tok_flaky attempts per idempotency key', async () => {
    await failureOf(sut.authorize(request('tok_flaky', 'key-a')));
    await failureOf(sut.authorize(request('tok_flaky', 'key-a')));

    const otherKey = await failureOf(sut.authorize(request('tok_flaky', 'key-b')));

    expect(otherKey).toMatchObject({ code: ErrorCodes.paymentProcessorUnavailable });
  });

  it('captures, voids and refunds an authorization', async () => {
    const { reference } = (await sut.authorize(request('tok_visa'))) as { reference: string };
    const settlement = {
      idempotencyKey: 'payment-1:capture',
      reference,
      amountMinor: 4_999,
      currency: 'EUR',
    };

    await expect(sut.capture(settlement)).resolves.toBeUndefined();
    await expect(
      sut.refund({ ...settlement, idempotencyKey: 'payment-1:refund' }),
    ).resolves.toBeUndefined();
    await expect(
      sut.void({ idempotencyKey: 'payment-2:void', reference }),
    ).resolves.toBeUndefined();
  });
});
