import { randomUUID } from 'node:crypto';
import { MongoClient, ObjectId } from 'mongodb';
import { eventually } from './harness/eventually';
import {
  JaegerServer,
  JaegerSpan,
  JaegerTrace,
  parentOf,
  serviceOf,
  tagOf,
} from './harness/jaeger-server';
import { apps } from '../scripts/lib/app-list';
import { placeOrderSteps } from './harness/place-order-steps';
import { ProcessPlatform } from './harness/process-platform';
import { ShopApi } from './harness/shop-api';
import { unstartedCopyOf } from './harness/unstarted-order';

const admin = { email: 'admin@shop.test', password: 'admin password of the test run' };
const allApps = apps.map(({ name }) => name);
const clientTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Jaeger may drop leading zeros of a trace id; the apps log all 32 digits. */
const traceIdOf = (id: string) => id.padStart(32, '0');

/** Spans by start; steps of one group start in the same microsecond, in the order they are defined. */
function byStart(spans: JaegerSpan[], stepOrder: string[] = []): JaegerSpan[] {
  const rank = (span: JaegerSpan) => stepOrder.indexOf(String(tagOf(span, 'saga.step')));
  return [...spans].sort(
    (left, right) => left.startTime - right.startTime || rank(left) - rank(right),
  );
}

function childrenOf(
  trace: JaegerTrace,
  parent: JaegerSpan,
  namePrefix: string,
  stepOrder?: string[],
): JaegerSpan[] {
  return byStart(
    trace.spans.filter(
      (span) => span.operationName.startsWith(namePrefix) && parentOf(trace, span) === parent,
    ),
    stepOrder,
  );
}

function spanNamed(trace: JaegerTrace, name: string, tags: Record<string, unknown> = {}) {
  return trace.spans.find(
    (span) =>
      span.operationName === name &&
      Object.entries(tags).every(([key, value]) => tagOf(span, key) === value),
  );
}

describe('Tracing: one trace per order across the four apps, in Jaeger', () => {
  let jaeger: JaegerServer;
  let platform: ProcessPlatform;
  let customer: ShopApi;
  let productId: string;

  beforeAll(async () => {
    jaeger = await JaegerServer.start();
    platform = await ProcessPlatform.start(
      {
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
        OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
        // Spans reach Jaeger a tenth of a second after they end, not five seconds.
        OTEL_BSP_SCHEDULE_DELAY: '100',
        // Short leases: a killed replica's saga is taken over within seconds.
        SAGA_LEASE_MS: '2000',
        SAGA_RECOVERY_INTERVAL_MS: '500',
      },
      undefined,
      // Handler log lines ("Handled ...") are written at 'log'. Instrumentations hook every
      // module as it loads, which slows a start on a busy machine.
      { logLevel: 'log', startTimeoutMs: 60_000 },
    );
    const api = new ShopApi(platform.gatewayUrl);
    const shopAdmin = await api.logIn(admin.email, admin.password);
    customer = await api.signUp('ada@example.com');
    productId = (await shopAdmin.createProduct(100)).id;
  }, 600_000);

  afterAll(async () => {
    await platform?.stop();
    await jaeger?.stop();
  });

  /** Places an order under a correlation id of its own and answers both. */
  async function placeOrder(paymentMethod: string) {
    const correlationId = `tracing-${randomUUID()}`;
    const placed = await customer.placeOrder(productId, 1, paymentMethod, {
      'x-request-id': correlationId,
      // What a client says about traces is not taken: the gateway starts each trace itself.
      traceparent: `00-${clientTraceId}-00f067aa0ba902b7-01`,
    });
    expect(placed.status).toBe(202);
    return { orderId: placed.body.id, correlationId };
  }

  /** The trace of the request with this correlation id, once `isComplete` says it is there. */
  function traceOf(
    correlationId: string,
    isComplete: (trace: JaegerTrace) => boolean,
  ): Promise<JaegerTrace> {
    return eventually(
      async () => {
        const [found] = await jaeger.traces('gateway', { 'shop.correlation_id': correlationId });
        if (!found) return undefined;
        const trace = await jaeger.trace(found.traceID);
        return trace && isComplete(trace) ? trace : undefined;
      },
      30_000,
      `the trace of request ${correlationId} in Jaeger`,
      250,
    );
  }

  const sagaEnded = (trace: JaegerTrace) =>
    trace.spans.some(
      (span) =>
        span.operationName === 'saga place-order' && tagOf(span, 'saga.outcome') !== undefined,
    );

  // Each app exports on its own schedule: the saga may have ended before payments' spans arrive.
  const sagaEndedAndAllAppsReported = (trace: JaegerTrace) =>
    sagaEnded(trace) &&
    new Set(trace.spans.map((span) => serviceOf(trace, span))).size === allApps.length;

  it('shows a confirmed order as one trace of all four apps, the saga steps in order under the orders handler', async () => {
    const { orderId, correlationId } = await placeOrder('tok_visa');
    const order = await customer.finalOrder(orderId);

    const trace = await traceOf(correlationId, sagaEndedAndAllAppsReported);
    const saga = spanNamed(trace, 'saga place-order')!;
    const handler = parentOf(trace, saga)!;
    const steps = childrenOf(trace, saga, 'saga action ', placeOrderSteps);

    expect(order.status).toBe('CONFIRMED');
    expect(traceIdOf(trace.traceID)).not.toBe(clientTraceId);
    expect(new Set(trace.spans.map((span) => serviceOf(trace, span)))).toEqual(new Set(allApps));
    expect([handler.operationName, serviceOf(trace, handler)]).toEqual([
      'process orders.place.v1',
      'orders',
    ]);
    expect(serviceOf(trace, parentOf(trace, handler)!)).toBe('gateway');
    expect(parentOf(trace, handler)!.operationName).toBe('POST /api/orders');
    expect(tagOf(saga, 'saga.id')).toBe(orderId);
    expect(tagOf(saga, 'saga.outcome')).toBe('COMPLETED');
    // Shipping starts alongside the authorization (one group), so the two share a start.
    expect(steps.map((step) => tagOf(step, 'saga.step'))).toEqual(placeOrderSteps);
    expect(steps.every((step) => tagOf(step, 'saga.outcome') === 'succeeded')).toBe(true);
  });

  it("shows a declined order's compensations under its saga, with the failure reason", async () => {
    const { orderId, correlationId } = await placeOrder('tok_declined');
    const order = await customer.finalOrder(orderId);

    // The order-events relay publishes the cancellation later, from the outbox, in this trace.
    const cancellationPublished = (candidate: JaegerTrace) =>
      candidate.spans.some(
        (span) => tagOf(span, 'messaging.rabbitmq.routing_key') === 'order.cancelled.v1',
      );
    const trace = await traceOf(
      correlationId,
      (candidate) => sagaEnded(candidate) && cancellationPublished(candidate),
    );
    const saga = spanNamed(trace, 'saga place-order')!;
    const authorize = spanNamed(trace, 'saga action authorize-payment')!;
    const compensations = childrenOf(trace, saga, 'saga compensation ');

    expect(order.status).toBe('CANCELLED');
    expect(tagOf(saga, 'saga.outcome')).toBe('COMPENSATED');
    expect(tagOf(authorize, 'saga.outcome')).toBe('failed');
    expect(String(tagOf(authorize, 'saga.failure_reason'))).toMatch(/declined/i);
    // Shipping was scheduled alongside the authorization; undone in reverse, the order last.
    // The failed authorization is voided too: one that timed out may still be carried out.
    expect(compensations.map((span) => tagOf(span, 'saga.step'))).toEqual([
      'schedule-shipping',
      'authorize-payment',
      'reserve-inventory',
      'validate-user',
    ]);
  });

  it("logs the handler's lines with the trace and span ids of its span", async () => {
    const { orderId, correlationId } = await placeOrder('tok_visa');
    await customer.finalOrder(orderId);

    const trace = await traceOf(correlationId, sagaEnded);
    const handler = spanNamed(trace, 'process orders.place.v1')!;
    const line = await platform
      .app('orders')
      .waitForLine(
        (candidate) =>
          candidate.correlationId === correlationId &&
          candidate.message?.startsWith('Handled orders.place.v1') === true,
        10_000,
        'the line of the handled order',
      );

    expect(line).toMatchObject({
      trace_id: traceIdOf(trace.traceID),
      span_id: handler.spanID,
    });
  });

  it("puts the saga the sweeper starts for an order stored without one into the order's trace", async () => {
    const { orderId, correlationId } = await placeOrder('tok_visa');
    await customer.finalOrder(orderId);
    const original = await traceOf(correlationId, sagaEnded);
    const mongo = await MongoClient.connect(platform.environment.mongoUrl);
    let unstartedId: ObjectId;
    try {
      const orders = mongo.db(platform.environment.mongoDatabase).collection('orders');
      const placed = await orders.findOne({ _id: new ObjectId(orderId) });
      if (!placed) throw new Error(`Order ${orderId} is not stored`);
      const unstarted = unstartedCopyOf(placed, new Date(Date.now() - 60_000));
      await orders.insertOne(unstarted);
      unstartedId = unstarted._id as ObjectId;
    } finally {
      await mongo.close();
    }

    const order = await customer.finalOrder(unstartedId.toHexString(), 60_000);
    const trace = await eventually(
      async () => {
        const candidate = await jaeger.trace(original.traceID);
        return candidate &&
          spanNamed(candidate, 'saga place-order', {
            'saga.id': unstartedId.toHexString(),
            'saga.outcome': 'COMPLETED',
          })
          ? candidate
          : undefined;
      },
      30_000,
      'the swept saga in the trace of the request that stored its order',
      250,
    );

    expect(order.status).toBe('CONFIRMED');
    expect(
      trace.spans
        .filter((span) => span.operationName === 'saga place-order')
        .map((span) => tagOf(span, 'saga.id')),
    ).toEqual(expect.arrayContaining([orderId, unstartedId.toHexString()]));
  }, 120_000);

  it('continues a saga taken over after a SIGKILL of orders in the original trace, linked to its first run', async () => {
    // Payments holds the authorization unanswered, so the saga is mid-way when orders dies.
    platform.app('payments').signal('SIGSTOP');
    let correlationId: string;
    let orderId: string;
    try {
      ({ orderId, correlationId } = await placeOrder('tok_visa'));
      // Shipping, scheduled alongside the authorization, ended: the steps before are stored.
      await traceOf(correlationId, (trace) =>
        Boolean(spanNamed(trace, 'saga action schedule-shipping')),
      );
      await platform.stopApp('orders', 'SIGKILL');
    } finally {
      platform.app('payments').signal('SIGCONT');
    }
    await platform.startApp('orders');
    const order = await customer.finalOrder(orderId, 60_000);

    const trace = await traceOf(correlationId, (candidate) =>
      Boolean(
        spanNamed(candidate, 'saga place-order', {
          'saga.resumed': true,
          'saga.outcome': 'COMPLETED',
        }),
      ),
    );
    const firstRunId = spanNamed(trace, 'saga action validate-user')!.references.find(
      (reference) => reference.refType === 'CHILD_OF',
    )!.spanID;
    const resumed = spanNamed(trace, 'saga place-order', { 'saga.resumed': true })!;
    const resumedSteps = byStart(
      trace.spans.filter(
        (span) =>
          span.operationName.startsWith('saga action ') &&
          span.references.some((reference) => reference.spanID === resumed.spanID),
      ),
      placeOrderSteps,
    );

    expect(order.status).toBe('CONFIRMED');
    expect(traceIdOf(resumed.traceID)).toBe(traceIdOf(trace.traceID));
    expect(resumed.references).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ refType: 'FOLLOWS_FROM', spanID: firstRunId }),
      ]),
    );
    expect(resumedSteps.map((step) => tagOf(step, 'saga.step'))).toEqual(
      placeOrderSteps.slice(placeOrderSteps.indexOf('authorize-payment')),
    );
  }, 120_000);
});
