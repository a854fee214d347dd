import { MongoClient } from 'mongodb';
import { ProcessPlatform } from './harness/process-platform';
import { ShopApi } from './harness/shop-api';
import {
  checkSettledShopInvariants,
  checkShopInvariants,
  healthyShop,
} from './harness/shop-invariants';
import { eventually } from './harness/eventually';
import { ValidatingProxy, itAnsweredAsDocumented } from './harness/validating-proxy';

const admin = { email: 'admin@shop.test', password: 'admin password of the test run' };

describe('Recovering from crashes and outages', () => {
  let platform: ProcessPlatform;
  let shopAdmin: ShopApi;
  let customer: ShopApi;
  let proxy: ValidatingProxy;

  beforeAll(async () => {
    platform = await ProcessPlatform.start({
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      // Short leases, so a killed replica's sagas are taken over within seconds.
      SAGA_LEASE_MS: '2000',
      SAGA_RECOVERY_INTERVAL_MS: '500',
      RPC_TIMEOUT_MS: '2000',
    });
    // The gateway is never restarted here: one proxy in front of it sees every request.
    proxy = await ValidatingProxy.start(platform.gatewayUrl);
    const api = new ShopApi(proxy.url);
    shopAdmin = await api.logIn(admin.email, admin.password);
    customer = await api.signUp('linus@example.com');
  });

  afterAll(async () => {
    await proxy?.stop();
    await platform?.stop();
  });

  async function activeSagaIds(): Promise<string[]> {
    const mongo = await MongoClient.connect(platform.environment.mongoUrl);
    try {
      // Sagas live in their orders (apps/orders/src/sagas/saga-homes.ts).
      const orders = mongo.db(platform.environment.mongoDatabase).collection('orders');
      const active: string[] = [];
      for (const field of ['placement', 'cancellation']) {
        const holding = await orders
          .find({ [`${field}Status`]: { $in: ['RUNNING', 'COMPENSATING'] } })
          .toArray();
        const suffix = field === 'cancellation' ? ':cancel' : '';
        active.push(...holding.map((order) => `${order._id.toHexString()}${suffix}`));
      }
      return active.sort();
    } finally {
      await mongo.close();
    }
  }

  it('brings every saga to an end when the orders service is killed mid-way and started again', async () => {
    const product = await shopAdmin.createProduct(30);
    let answered = 0;
    const placing = Array.from({ length: 20 }, () =>
      customer.placeOrder(product.id, 1).finally(() => (answered += 1)),
    );
    await eventually(
      () => (answered >= 5 ? true : undefined),
      10_000,
      'the first orders to be accepted',
    );

    await platform.stopApp('orders', 'SIGKILL');
    const interrupted = await activeSagaIds();
    const restarted = await platform.startApp('orders');
    const placed = await Promise.all(placing);
    const orders = await Promise.all(
      placed
        .filter((response) => response.status === 202)
        .map((response) => customer.finalOrder(response.body.id, 60_000)),
    );
    // Orders whose request died with the process may exist too: the sweeper finishes them.
    const report = await checkSettledShopInvariants(platform.environment, 30_000);
    // A saga may be taken over more than once (a lease lost under load): count distinct ones.
    const takenOver = new Set(
      restarted.lines.flatMap(
        (line) => /^Took over saga \S+ (\S+)/.exec(line.message ?? '')?.[1] ?? [],
      ),
    );

    expect(interrupted.length).toBeGreaterThan(0);
    expect([...takenOver].sort()).toEqual(interrupted);
    expect(placed.every((response) => response.status === 202 || response.status >= 500)).toBe(
      true,
    );
    // finalOrder waited for a terminal state; confirmed is not guaranteed: on a loaded machine a
    // step may run out of its deadline across the restart, and the saga rightly compensates.
    expect(orders.map((order) => order.status).filter((status) => status === 'PENDING')).toEqual(
      [],
    );
    expect(orders.filter((order) => order.status === 'CONFIRMED').length).toBeGreaterThan(0);
    expect(report).toEqual(healthyShop);
  }, 120_000);

  const OPEN = 2;

  /** `circuit_breaker_state` of the orders service's breaker for payments (2 = open). */
  async function paymentsBreakerOfOrders(): Promise<number | undefined> {
    const metrics = await (await fetch(`${platform.app('orders').url}/metrics`)).text();
    const state = /^circuit_breaker_state\{breaker="payments",service="orders"\} (\d)$/m.exec(
      metrics,
    );
    return state ? Number(state[1]) : undefined;
  }

  it('cancels orders and restores stock while payments is down, fails fast with an open breaker, and confirms again once it is back', async () => {
    const product = await shopAdmin.createProduct(10);
    await platform.stopApp('payments');

    const placed = await Promise.all(
      Array.from({ length: 5 }, () => customer.placeOrder(product.id, 1)),
    );
    const catalogWhileDown = await customer.request('GET', `/api/products/${product.id}`);
    const breakerOpened = await eventually(
      async () => ((await paymentsBreakerOfOrders()) === OPEN ? true : undefined),
      30_000,
      "the orders service's payments breaker to open",
    );
    const orders = await Promise.all(
      placed.map((response) => customer.finalOrder(response.body.id, 60_000)),
    );
    const stockWhileDown = (
      await customer.request<{ stock: number }>('GET', `/api/products/${product.id}`)
    ).body.stock;
    await platform.startApp('payments');
    // Before the pivot an open breaker cancels at once, by design: the next order is placed
    // once the breaker lets a trial call through.
    await eventually(
      async () => ((await paymentsBreakerOfOrders()) !== OPEN ? true : undefined),
      30_000,
      "the orders service's payments breaker to let a trial call through",
    );
    const afterReturn = await customer.placeOrder(product.id, 1);
    const confirmed = await customer.finalOrder(afterReturn.body.id, 60_000);

    expect(placed.map((response) => response.status)).toEqual([202, 202, 202, 202, 202]);
    expect(catalogWhileDown.status).toBe(200);
    expect(breakerOpened).toBe(true);
    expect(orders.map((order) => order.status)).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(orders[0].failureReason).toMatch(/payments service/);
    expect(stockWhileDown).toBe(10);
    expect(confirmed).toMatchObject({ status: 'CONFIRMED' });
    expect(await checkSettledShopInvariants(platform.environment, 10_000)).toEqual(healthyShop);
  }, 180_000);

  it('cancels an order whose first step fails while the users service is down', async () => {
    const product = await shopAdmin.createProduct(3);
    await platform.stopApp('users');

    const placed = await customer.placeOrder(product.id, 1);
    const order = await customer.finalOrder(placed.body.id, 60_000);
    await platform.startApp('users');

    expect(order).toMatchObject({
      status: 'CANCELLED',
      failureReason: expect.stringMatching(/^validate-user: .*users service/),
    });
    expect(await checkShopInvariants(platform.environment)).toEqual(healthyShop);
  }, 120_000);

  it("answers 503 with Retry-After at once while the gateway's breaker for a service is open", async () => {
    await platform.stopApp('payments');

    const fastFailure = await eventually(
      async () => {
        const response = await customer.request('GET', '/api/invoices');
        return response.headers.get('retry-after') ? response : undefined;
      },
      60_000,
      'the payments breaker of the gateway to open',
    );
    await platform.startApp('payments');

    expect(fastFailure.status).toBe(503);
    expect(Number(fastFailure.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(fastFailure.body).toMatchObject({
      statusCode: 503,
      message: 'The payments service is unavailable',
    });
  }, 120_000);

  it('loses no accepted order when the orders service is stopped with SIGTERM under load', async () => {
    const product = await shopAdmin.createProduct(1_000);
    const responses: { status: number; body: { id: string } }[] = [];
    let isLoading = true;
    const load = (async () => {
      while (isLoading && responses.length < 500)
        responses.push(await customer.placeOrder(product.id, 1));
    })();
    await eventually(() => (responses.length >= 5 ? true : undefined), 10_000, 'orders to flow');

    const stopped = await platform.stopApp('orders', 'SIGTERM');
    await platform.startApp('orders');
    const acceptedBeforeRestart = responses.length;
    await eventually(
      () => (responses.length >= acceptedBeforeRestart + 5 ? true : undefined),
      30_000,
      'orders to flow again',
    );
    isLoading = false;
    await load;
    const accepted = responses.filter((response) => response.status === 202);
    const orders = await Promise.all(
      accepted.map((response) => customer.finalOrder(response.body.id, 60_000)),
    );

    expect(stopped.lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(responses.every((response) => response.status === 202 || response.status >= 500)).toBe(
      true,
    );
    // finalOrder waited for a terminal state; confirmed is not guaranteed: on a loaded machine a
    // step may run out of its deadline across the restart, and the saga rightly compensates.
    expect(orders.map((order) => order.status).filter((status) => status === 'PENDING')).toEqual(
      [],
    );
    expect(orders.filter((order) => order.status === 'CONFIRMED').length).toBeGreaterThan(0);
    expect(await checkShopInvariants(platform.environment)).toEqual(healthyShop);
  }, 180_000);

  it("carries one order's correlation id into the log lines of all four apps", async () => {
    const product = await shopAdmin.createProduct(5);
    const correlationId = `trace-${Date.now()}`;

    const placed = await customer.placeOrder(product.id, 1, 'tok_visa', {
      'X-Request-Id': correlationId,
    });
    await customer.finalOrder(placed.body.id);
    const appsThatLogged = await eventually(
      () => {
        const apps = (['gateway', 'users', 'orders', 'payments'] as const).filter((app) =>
          platform.app(app).lines.some((line) => line.correlationId === correlationId),
        );
        return apps.length === 4 ? apps : undefined;
      },
      10_000,
      'every app to log the correlation id',
    );

    expect(placed.headers.get('x-request-id')).toBe(correlationId);
    expect(appsThatLogged).toEqual(['gateway', 'users', 'orders', 'payments']);
  });

  itAnsweredAsDocumented(() => proxy);
});
