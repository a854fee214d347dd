import { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory } from '@nestjs/microservices';
import {
  AuthorizePaymentCommand,
  ErrorCodes,
  PAYMENTS_SERVICE,
  PaymentView,
  PaymentsClient,
  PaymentsPatterns,
} from '@shop/contracts';
import { ServiceClient, bootstrapService, rmqClientOptions } from '@shop/platform';
import { CircuitBreakerRegistry } from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { lastValueFrom } from 'rxjs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  IsolatedEnvironment,
  applyEnvironment,
  createIsolatedEnvironment,
} from '../../../test/harness/isolated-environment';
import { eventually } from '../../../test/harness/eventually';
import { PaymentsAppModule } from '../src/payments-app.module';
import { PAYMENT_PROCESSOR, PaymentProcessor } from '../src/processor/payment-processor.port';

describe('Payments service over RabbitMQ', () => {
  let environment: IsolatedEnvironment;
  let app: INestApplication;
  let proxy: ClientProxy;
  let payments: PaymentsClient;
  let database: Client;
  let processor: PaymentProcessor;

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    applyEnvironment(environment.variables);
    app = await bootstrapService(PaymentsAppModule, { service: PAYMENTS_SERVICE, httpPort: 0 });
    processor = app.get<PaymentProcessor>(PAYMENT_PROCESSOR);

    proxy = ClientProxyFactory.create(
      rmqClientOptions({
        url: environment.variables.RABBITMQ_URL,
        queuePrefix: environment.queuePrefix,
        service: PAYMENTS_SERVICE,
        prefetchCount: 32,
      }),
    );
    await proxy.connect();
    const cls = new ClsService(new AsyncLocalStorage());
    payments = new PaymentsClient(
      new ServiceClient(proxy, cls, {
        service: PAYMENTS_SERVICE,
        timeoutMs: 10_000,
        breakers: new CircuitBreakerRegistry(),
      }),
    );

    database = new Client({ connectionString: environment.paymentsDatabaseUrl });
    await database.connect();
  });

  afterAll(async () => {
    await database?.end();
    await proxy?.close();
    await app?.close();
    await environment?.dispose();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const userId = randomUUID();

  function newOrderId(): string {
    return `order-${randomUUID()}`;
  }

  function authorization(change: Partial<AuthorizePaymentCommand> = {}): AuthorizePaymentCommand {
    const orderId = change.orderId ?? newOrderId();
    return {
      idempotencyKey: `${orderId}:authorize`,
      orderId,
      userId,
      amountMinor: 4_999,
      currency: 'EUR',
      paymentMethod: 'tok_visa',
      ...change,
    };
  }

  async function authorizedAndCaptured(
    change: Partial<AuthorizePaymentCommand> = {},
  ): Promise<PaymentView> {
    const { orderId } = await payments.authorize(authorization(change));
    return payments.capture({ idempotencyKey: `${orderId}:capture`, orderId });
  }

  async function failureOf(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  async function count(sql: string, parameters: unknown[]): Promise<number> {
    const { rows } = await database.query<{ count: string }>(sql, parameters);
    return Number(rows[0].count);
  }

  const paymentRowsOf = (orderId: string) =>
    count('SELECT count(*) FROM payments WHERE order_id = $1', [orderId]);
  const invoiceRowsOf = (orderId: string) =>
    count('SELECT count(*) FROM invoices WHERE order_id = $1', [orderId]);

  describe('authorize', () => {
    it('authorizes tok_visa', async () => {
      const command = authorization();

      const payment = await payments.authorize(command);

      expect(payment).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        orderId: command.orderId,
        userId,
        status: 'AUTHORIZED',
        amountMinor: 4_999,
        currency: 'EUR',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it.each([
      ['tok_declined', 'card_declined'],
      ['tok_insufficient_funds', 'insufficient_funds'],
      ['tok_unknown', 'unsupported_payment_method'],
    ])(
      'answers %s with a DECLINED payment and the reason %s, and issues no invoice',
      async (paymentMethod, declineReason) => {
        const command = authorization({ paymentMethod });

        const payment = await payments.authorize(command);

        expect(payment).toMatchObject({ status: 'DECLINED', declineReason });
        expect(await invoiceRowsOf(command.orderId)).toBe(0);
      },
    );

    it('fails tok_flaky twice with PAYMENT_PROCESSOR_UNAVAILABLE, keeps nothing, and authorizes on the third try', async () => {
      const command = authorization({ paymentMethod: 'tok_flaky' });
      // The raw transport, without the resilient client's retries, shows each answer.
      const sendOnce = () =>
        lastValueFrom(proxy.send<PaymentView>(PaymentsPatterns.authorize, command));

      const first = await failureOf(sendOnce());
      const second = await failureOf(sendOnce());
      const rowsAfterFailures = await paymentRowsOf(command.orderId);
      const third = await sendOnce();

      for (const failure of [first, second]) {
        expect(failure).toEqual({
          code: ErrorCodes.paymentProcessorUnavailable,
          message: expect.any(String),
          statusCode: 503,
        });
      }
      expect(rowsAfterFailures).toBe(0);
      expect(third.status).toBe('AUTHORIZED');
    });

    it('lets the resilient client retry tok_flaky past its transient failures', async () => {
      const command = authorization({ paymentMethod: 'tok_flaky' });
      const processorCalls = jest.spyOn(processor, 'authorize');

      const payment = await payments.authorize(command);

      expect(payment.status).toBe('AUTHORIZED');
      expect(processorCalls).toHaveBeenCalledTimes(3);
    });

    it('answers 20 concurrent duplicates with one payment, asking the processor once', async () => {
      const command = authorization();
      const processorCalls = jest.spyOn(processor, 'authorize');

      const answers = await Promise.all(
        Array.from({ length: 20 }, () => payments.authorize(command)),
      );

      expect(new Set(answers.map((answer) => answer.id)).size).toBe(1);
      expect(answers.every((answer) => answer.status === 'AUTHORIZED')).toBe(true);
      expect(await paymentRowsOf(command.orderId)).toBe(1);
      expect(processorCalls).toHaveBeenCalledTimes(1);
    });

    it('keeps one payment per order even when concurrent authorizations carry different keys', async () => {
      const orderId = newOrderId();

      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          payments.authorize(
            authorization({ orderId, idempotencyKey: `${orderId}:attempt-${index}` }),
          ),
        ),
      );

      expect(new Set(answers.map((answer) => answer.id)).size).toBe(1);
      expect(await paymentRowsOf(orderId)).toBe(1);
    });

    it('answers a repeat after a decline with the decline, without asking the processor again', async () => {
      const command = authorization({ paymentMethod: 'tok_declined' });
      const first = await payments.authorize(command);
      const processorCalls = jest.spyOn(processor, 'authorize');

      const repeat = await payments.authorize({ ...command, paymentMethod: 'tok_visa' });

      expect(repeat).toEqual(first);
      expect(processorCalls).not.toHaveBeenCalled();
    });

    it('refuses an idempotency key that was used for another order with CONFLICT', async () => {
      const first = authorization();
      await payments.authorize(first);
      const second = authorization({ idempotencyKey: first.idempotencyKey });

      const failure = await failureOf(payments.authorize(second));

      expect(failure).toMatchObject({ code: ErrorCodes.conflict });
      expect(await paymentRowsOf(second.orderId)).toBe(0);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a missing field', { paymentMethod: undefined }, 'paymentMethod must be'],
      ['a negative amount', { amountMinor: -100 }, 'amountMinor must not be less than 1'],
      ['a fractional amount', { amountMinor: 10.5 }, 'amountMinor must be an integer number'],
      ['a lower-case currency', { currency: 'eur' }, 'currency must be an ISO 4217 code'],
      ['a malformed user id', { userId: 'user-1' }, 'userId must be a UUID'],
      ['an unknown field', { isPaid: true }, 'property isPaid should not exist'],
    ])(
      'rejects an authorization with %s with VALIDATION_FAILED and writes nothing',
      async (_case, change, expected) => {
        const command = { ...authorization(), ...change } as AuthorizePaymentCommand;

        const failure = await failureOf(payments.authorize(command));

        expect(failure).toMatchObject({
          code: ErrorCodes.validationFailed,
          details: expect.arrayContaining([expect.stringContaining(expected)]),
        });
        expect(await paymentRowsOf(command.orderId)).toBe(0);
      },
    );
  });

  describe('capture', () => {
    it('captures an authorized payment and issues exactly one invoice', async () => {
      const { orderId } = await payments.authorize(authorization());

      const captured = await payments.capture({ idempotencyKey: `${orderId}:capture`, orderId });

      expect(captured.status).toBe('CAPTURED');
      expect(await invoiceRowsOf(orderId)).toBe(1);
    });

    it('answers a repeated capture with the same result and no second invoice', async () => {
      const first = await authorizedAndCaptured();

      const repeats = await Promise.all([
        payments.capture({ idempotencyKey: `${first.orderId}:capture`, orderId: first.orderId }),
        payments.capture({
          idempotencyKey: `${first.orderId}:capture-again`,
          orderId: first.orderId,
        }),
      ]);

      expect(repeats).toEqual([first, first]);
      expect(await invoiceRowsOf(first.orderId)).toBe(1);
    });

    it('refuses to capture a declined payment with CONFLICT', async () => {
      const { orderId } = await payments.authorize(
        authorization({ paymentMethod: 'tok_declined' }),
      );

      const failure = await failureOf(
        payments.capture({ idempotencyKey: `${orderId}:capture`, orderId }),
      );

      expect(failure).toMatchObject({ code: ErrorCodes.conflict });
      expect(await invoiceRowsOf(orderId)).toBe(0);
    });

    it('answers PAYMENT_PROCESSOR_UNAVAILABLE, changing nothing, when the payment stays locked past the lock wait limit', async () => {
      const { orderId } = await payments.authorize(authorization());
      const holder = new Client({ connectionString: environment.paymentsDatabaseUrl });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM payments WHERE order_id = $1 FOR UPDATE', [orderId]);

      const failure = await failureOf(
        lastValueFrom(
          proxy.send<PaymentView>(PaymentsPatterns.capture, {
            idempotencyKey: `${orderId}:capture`,
            orderId,
          }),
        ),
      );
      await holder.query('ROLLBACK');
      await holder.end();

      expect(failure).toMatchObject({ code: ErrorCodes.paymentProcessorUnavailable });
      expect(await invoiceRowsOf(orderId)).toBe(0);
    });

    it('answers the capture of an order without payment with NOT_FOUND', async () => {
      const orderId = newOrderId();

      const failure = await failureOf(
        payments.capture({ idempotencyKey: `${orderId}:capture`, orderId }),
      );

      expect(failure).toMatchObject({ code: ErrorCodes.notFound });
    });
  });

  describe('void', () => {
    it('voids an authorized payment, and a repeat answers the same', async () => {
      const { orderId } = await payments.authorize(authorization());

      const voided = await payments.void({
        idempotencyKey: `${orderId}:void`,
        orderId,
        reason: 'out of stock',
      });
      const repeat = await payments.void({ idempotencyKey: `${orderId}:void`, orderId });

      expect(voided).toMatchObject({ orderId, status: 'VOIDED', amountMinor: 4_999 });
      expect(repeat).toEqual(voided);
    });

    it('voids an authorization requested by event, once the service takes the message', async () => {
      const authorized = await payments.authorize(authorization());

      await payments.requestVoid({
        idempotencyKey: `${authorized.orderId}:void`,
        orderId: authorized.orderId,
      });
      const [voided] = await eventually(
        async () => {
          const found = await payments.list({ userId, orderId: authorized.orderId });
          return found[0]?.status === 'VOIDED' ? found : undefined;
        },
        10_000,
        'the requested void',
      );

      expect(voided).toMatchObject({ id: authorized.id, status: 'VOIDED' });
    });

    it('leaves a VOIDED tombstone when no payment exists yet', async () => {
      const orderId = newOrderId();

      const tombstone = await payments.void({ idempotencyKey: `${orderId}:void`, orderId });

      expect(tombstone).toEqual({
        id: expect.any(String),
        orderId,
        status: 'VOIDED',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await paymentRowsOf(orderId)).toBe(1);
    });

    it('answers an authorization after the void with the VOIDED tombstone, without charging', async () => {
      const orderId = newOrderId();
      const tombstone = await payments.void({ idempotencyKey: `${orderId}:void`, orderId });
      const processorCalls = jest.spyOn(processor, 'authorize');

      const late = await payments.authorize(authorization({ orderId }));

      expect(late).toEqual(tombstone);
      expect(processorCalls).not.toHaveBeenCalled();
    });

    it('leaves the payment voided when a void races authorizations of the same order', async () => {
      const orderId = newOrderId();

      await Promise.all([
        ...Array.from({ length: 5 }, () => payments.authorize(authorization({ orderId }))),
        payments.void({ idempotencyKey: `${orderId}:void`, orderId }),
        ...Array.from({ length: 5 }, () => payments.authorize(authorization({ orderId }))),
      ]);

      const { rows } = await database.query<{ status: string }>(
        'SELECT status FROM payments WHERE order_id = $1',
        [orderId],
      );
      expect(rows).toEqual([{ status: 'VOIDED' }]);
    });

    it('answers a void of a declined payment with the declined payment', async () => {
      const declined = await payments.authorize(authorization({ paymentMethod: 'tok_declined' }));

      const answer = await payments.void({
        idempotencyKey: `${declined.orderId}:void`,
        orderId: declined.orderId,
      });

      expect(answer).toEqual(declined);
    });

    it('refuses to void a captured payment with CONFLICT', async () => {
      const captured = await authorizedAndCaptured();

      const failure = await failureOf(
        payments.void({ idempotencyKey: `${captured.orderId}:void`, orderId: captured.orderId }),
      );

      expect(failure).toMatchObject({
        code: ErrorCodes.conflict,
        message: 'captured payments are refunded, not voided',
      });
    });
  });

  describe('refund', () => {
    it('refunds a captured payment and marks its invoice refunded', async () => {
      const captured = await authorizedAndCaptured();

      const refunded = await payments.refund({
        idempotencyKey: `${captured.orderId}:refund`,
        orderId: captured.orderId,
        reason: 'cancelled',
      });

      expect(refunded).toMatchObject({ id: captured.id, status: 'REFUNDED' });
      expect(
        await count(
          'SELECT count(*) FROM invoices WHERE order_id = $1 AND refunded_at IS NOT NULL',
          [captured.orderId],
        ),
      ).toBe(1);
    });

    it('answers a repeated refund with the same result', async () => {
      const captured = await authorizedAndCaptured();
      const command = { idempotencyKey: `${captured.orderId}:refund`, orderId: captured.orderId };
      const first = await payments.refund(command);

      const repeat = await payments.refund(command);

      expect(repeat).toEqual(first);
    });

    it('refuses to refund a payment that was never captured with CONFLICT', async () => {
      const { orderId } = await payments.authorize(authorization());

      const failure = await failureOf(
        payments.refund({ idempotencyKey: `${orderId}:refund`, orderId }),
      );

      expect(failure).toMatchObject({ code: ErrorCodes.conflict });
    });
  });

  describe('list and listInvoices', () => {
    const ownerId = randomUUID();
    const strangerId = randomUUID();

    it('lists only the payments of the asking user', async () => {
      const own = await payments.authorize(authorization({ userId: ownerId }));
      await payments.authorize(authorization({ userId: strangerId }));

      const listed = await payments.list({ userId: ownerId });

      expect(listed.map((payment) => payment.id)).toEqual([own.id]);
    });

    it('filters the own payments by order', async () => {
      const wanted = await payments.authorize(authorization({ userId: ownerId }));

      const listed = await payments.list({ userId: ownerId, orderId: wanted.orderId });

      expect(listed).toEqual([wanted]);
    });

    it('lists only the invoices of the asking user, numbered from the sequence', async () => {
      const buyerId = randomUUID();
      const captured = await authorizedAndCaptured({ userId: buyerId });
      await authorizedAndCaptured({ userId: strangerId });

      const invoices = await payments.listInvoices({ userId: buyerId });

      expect(invoices).toEqual([
        {
          id: expect.any(String),
          number: expect.stringMatching(/^INV-\d{6,}$/),
          paymentId: captured.id,
          orderId: captured.orderId,
          userId: buyerId,
          amountMinor: 4_999,
          currency: 'EUR',
          issuedAt: expect.any(String),
        },
      ]);
    });
  });
});
