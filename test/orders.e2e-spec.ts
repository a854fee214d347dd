import { DomainEventsTap } from './harness/domain-events-tap';
import { eventually } from './harness/eventually';
import { placeOrderSteps } from './harness/place-order-steps';
import { ProcessPlatform } from './harness/process-platform';
import { ShopApi } from './harness/shop-api';
import { checkSettledShopInvariants, healthyShop } from './harness/shop-invariants';
import { ValidatingProxy, itAnsweredAsDocumented } from './harness/validating-proxy';

const admin = { email: 'admin@shop.test', password: 'admin password of the test run' };

describe('Placing and cancelling orders', () => {
  let platform: ProcessPlatform;
  let shopAdmin: ShopApi;
  let customer: ShopApi;
  let events: DomainEventsTap;
  let proxy: ValidatingProxy;

  beforeAll(async () => {
    platform = await ProcessPlatform.start({
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    });
    proxy = await ValidatingProxy.start(platform.gatewayUrl);
    const api = new ShopApi(proxy.url);
    shopAdmin = await api.logIn(admin.email, admin.password);
    customer = await api.signUp('grace@example.com');
    events = await DomainEventsTap.open(platform.environment);
  });

  afterAll(async () => {
    await events?.close();
    await proxy?.stop();
    await platform?.stop();
  });

  it('confirms an order paid with tok_visa: one capture, one invoice, stock down by the quantity', async () => {
    const product = await shopAdmin.createProduct(10, 1_250);

    const placed = await customer.placeOrder(product.id, 3);
    // The order turns CONFIRMED inside the last step; the saga records that step a moment later.
    const order = await eventually(
      async () => {
        const settled = await customer.finalOrder(placed.body.id);
        return settled.steps.some((step) => step.step === 'confirm-order') ? settled : undefined;
      },
      30_000,
      'the saga to record its last step',
    );
    const payments = await customer.request<{ status: string; amountMinor: number }[]>(
      'GET',
      `/api/payments?orderId=${order.id}`,
    );
    const invoices = await customer.request<{ orderId: string; amountMinor: number }[]>(
      'GET',
      '/api/invoices',
    );
    const stock = (await customer.request<{ stock: number }>('GET', `/api/products/${product.id}`))
      .body.stock;

    expect(placed.status).toBe(202);
    expect(placed.headers.get('location')).toBe(`/api/orders/${placed.body.id}`);
    expect(placed.body.status).toBe('PENDING');
    expect(order).toMatchObject({ status: 'CONFIRMED', totalMinor: 3_750, currency: 'EUR' });
    expect(order.steps.map((step) => step.step)).toEqual(placeOrderSteps);
    expect(payments.body).toEqual([
      expect.objectContaining({ status: 'CAPTURED', amountMinor: 3_750 }),
    ]);
    expect(invoices.body.filter((invoice) => invoice.orderId === order.id)).toEqual([
      expect.objectContaining({ amountMinor: 3_750 }),
    ]);
    expect(stock).toBe(7);
  });

  it.each([
    ['tok_declined', 'card_declined'],
    ['tok_insufficient_funds', 'insufficient_funds'],
  ])(
    'cancels an order paid with %s, with the reason, stock back and nothing captured',
    async (token, reason) => {
      const product = await shopAdmin.createProduct(5);

      const placed = await customer.placeOrder(product.id, 2, token);
      const order = await customer.finalOrder(placed.body.id);
      const payments = await customer.request<{ status: string }[]>(
        'GET',
        `/api/payments?orderId=${order.id}`,
      );
      const stock = (
        await customer.request<{ stock: number }>('GET', `/api/products/${product.id}`)
      ).body.stock;

      expect(order.status).toBe('CANCELLED');
      expect(order.failureReason).toContain(reason);
      expect(payments.body.map((payment) => payment.status)).not.toContain('CAPTURED');
      expect(stock).toBe(5);
    },
  );

  it('cancels an order for more than the stock without asking for any payment', async () => {
    const product = await shopAdmin.createProduct(1);

    const placed = await customer.placeOrder(product.id, 2);
    const order = await customer.finalOrder(placed.body.id);
    const payments = await customer.request<unknown[]>('GET', `/api/payments?orderId=${order.id}`);

    expect(order.status).toBe('CANCELLED');
    expect(order.failureReason).toContain('Not enough stock');
    expect(payments.body).toEqual([]);
  });

  it('retries a payment that fails transiently (tok_flaky) and confirms the order', async () => {
    const product = await shopAdmin.createProduct(5);

    const placed = await customer.placeOrder(product.id, 1, 'tok_flaky');
    const order = await customer.finalOrder(placed.body.id);

    expect(order.status).toBe('CONFIRMED');
  });

  it('answers a repeated Idempotency-Key with the same order', async () => {
    const product = await shopAdmin.createProduct(5);
    const headers = { 'Idempotency-Key': 'checkout-42' };

    const first = await customer.placeOrder(product.id, 1, 'tok_visa', headers);
    const repeat = await customer.placeOrder(product.id, 1, 'tok_visa', headers);
    await customer.finalOrder(first.body.id);
    const stock = (await customer.request<{ stock: number }>('GET', `/api/products/${product.id}`))
      .body.stock;

    expect(repeat.status).toBe(202);
    expect(repeat.body.id).toBe(first.body.id);
    expect(stock).toBe(4);
  });

  it('places one order for an Idempotency-Key sent five times at once', async () => {
    const product = await shopAdmin.createProduct(5);
    const headers = { 'Idempotency-Key': 'checkout-raced' };

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => customer.placeOrder(product.id, 1, 'tok_visa', headers)),
    );
    const order = await customer.finalOrder(answers[0].body.id);
    const orders = await customer.request<{ id: string }[]>('GET', '/api/orders?limit=100');
    const stock = (await customer.request<{ stock: number }>('GET', `/api/products/${product.id}`))
      .body.stock;

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(orders.body.filter(({ id }) => id === order.id)).toHaveLength(1);
    expect(order.status).toBe('CONFIRMED');
    expect(stock).toBe(4);
  });

  it('sells exactly the stock when 50 orders race for 20 units', async () => {
    const product = await shopAdmin.createProduct(20);

    const placed = await Promise.all(
      Array.from({ length: 50 }, () => customer.placeOrder(product.id, 1)),
    );
    const orders = await Promise.all(
      placed.map((response) => customer.finalOrder(response.body.id, 90_000)),
    );
    const stock = (await customer.request<{ stock: number }>('GET', `/api/products/${product.id}`))
      .body.stock;

    expect(orders.filter((order) => order.status === 'CONFIRMED')).toHaveLength(20);
    expect(stock).toBe(0);
  }, 120_000);

  it('refunds and restocks a cancelled confirmed order', async () => {
    const product = await shopAdmin.createProduct(4);
    const placed = await customer.placeOrder(product.id, 2);
    await customer.finalOrder(placed.body.id);

    const cancel = await customer.request('POST', `/api/orders/${placed.body.id}/cancel`);
    const order = await customer.finalOrder(placed.body.id);
    const payments = await customer.request<{ status: string }[]>(
      'GET',
      `/api/payments?orderId=${order.id}`,
    );
    const stock = (await customer.request<{ stock: number }>('GET', `/api/products/${product.id}`))
      .body.stock;

    expect(cancel.status).toBe(202);
    expect(order).toMatchObject({
      status: 'CANCELLED',
      failureReason: 'Cancelled by the customer',
    });
    expect(payments.body).toEqual([expect.objectContaining({ status: 'REFUNDED' })]);
    expect(stock).toBe(4);
  });

  it("announces an order's confirmation, capture, cancellation and refund as events, under each request's correlation id", async () => {
    const product = await shopAdmin.createProduct(3, 2_000);
    const placed = await customer.placeOrder(product.id, 1, 'tok_visa', {
      'X-Request-Id': 'place-order-7',
    });
    const orderId = placed.body.id;
    await customer.finalOrder(orderId);
    // At once, so the cancellation usually lands before the confirmation was announced.
    await customer.request('POST', `/api/orders/${orderId}/cancel`, undefined, {
      'X-Request-Id': 'cancel-order-7',
    });
    await customer.finalOrder(orderId);

    const published = await eventually(
      () => {
        const about = events.about('orderId', orderId);
        return about.length >= 4 ? about : undefined;
      },
      10_000,
      'four events about the order',
    );
    const ofOrder = published.filter((event) => event.pattern.startsWith('order.'));
    const ofPayment = published.filter((event) => event.pattern.startsWith('payment.'));

    const order = { orderId, userId: placed.body.userId, totalMinor: 2_000, currency: 'EUR' };
    expect(ofOrder).toEqual([
      {
        pattern: 'order.confirmed.v1',
        data: { ...order, status: 'CONFIRMED' },
        correlationId: 'place-order-7',
      },
      {
        pattern: 'order.cancelled.v1',
        data: { ...order, status: 'CANCELLED', reason: 'Cancelled by the customer' },
        correlationId: 'cancel-order-7',
      },
    ]);
    const money = {
      paymentId: expect.any(String),
      orderId,
      userId: placed.body.userId,
      amountMinor: 2_000,
      currency: 'EUR',
      invoiceNumber: expect.stringMatching(/^INV-\d{6,}$/),
    };
    expect(ofPayment).toEqual([
      { pattern: 'payment.captured.v1', data: money, correlationId: 'place-order-7' },
      { pattern: 'payment.refunded.v1', data: money, correlationId: 'cancel-order-7' },
    ]);
    expect(ofPayment[1].data).toEqual(ofPayment[0].data);
  });

  it('announces a declined order as cancelled, with the reason, and no payment event', async () => {
    const product = await shopAdmin.createProduct(3);
    const placed = await customer.placeOrder(product.id, 1, 'tok_declined');
    await customer.finalOrder(placed.body.id);

    const [announced] = await eventually(
      () => {
        const about = events.about('orderId', placed.body.id);
        return about.length > 0 ? about : undefined;
      },
      10_000,
      'the cancellation to be announced',
    );

    expect(announced).toMatchObject({
      pattern: 'order.cancelled.v1',
      data: { status: 'CANCELLED', reason: expect.stringContaining('card_declined') },
    });
    expect(events.about('orderId', placed.body.id)).toHaveLength(1);
  });

  it("answers another user's order with 404, for reading and for cancelling", async () => {
    const product = await shopAdmin.createProduct(2);
    const placed = await customer.placeOrder(product.id, 1);
    const stranger = await new ShopApi(proxy.url).signUp('mallory@example.com');

    const read = await stranger.order(placed.body.id);
    const cancel = await stranger.request('POST', `/api/orders/${placed.body.id}/cancel`);

    expect(read.status).toBe(404);
    expect(cancel.status).toBe(404);
  });

  it.each(['/api/orders', '/api/payments', '/api/invoices'])(
    'pages %s with limit and offset, newest first, and refuses a limit above 100',
    async (path) => {
      const all = await customer.request<{ id: string }[]>('GET', `${path}?limit=100`);
      const firstPage = await customer.request<{ id: string }[]>('GET', `${path}?limit=2`);
      const secondPage = await customer.request<{ id: string }[]>(
        'GET',
        `${path}?limit=2&offset=2`,
      );
      const tooLarge = await customer.request('GET', `${path}?limit=101`);

      expect(all.body.length).toBeGreaterThan(4);
      expect([...firstPage.body, ...secondPage.body].map(({ id }) => id)).toEqual(
        all.body.slice(0, 4).map(({ id }) => id),
      );
      expect(tooLarge.status).toBe(400);
      expect(JSON.stringify(tooLarge.body)).toContain('limit must not be greater than 100');
    },
  );

  it('keeps every invariant over all of the above', async () => {
    const report = await checkSettledShopInvariants(platform.environment, 10_000);

    expect(report).toEqual(healthyShop);
  });

  itAnsweredAsDocumented(() => proxy);
});
