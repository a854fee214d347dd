// @shop/platform's env classes read decorator metadata as soon as they load.
import 'reflect-metadata';
import { queueName, rmqServerOptions } from '@shop/platform';
import { Channel, ChannelModel, connect } from 'amqplib';
import { Client } from 'pg';
import request, { Response } from 'supertest';
import { RunningPlatform, startPlatform } from './harness/platform';
import { ValidatingProxy, itAnsweredAsDocumented } from './harness/validating-proxy';

const admin = { email: 'admin@shop.test', password: 'admin password of the security run' };
const customer = {
  email: 'mallory@example.com',
  password: 'correct horse battery staple',
  name: 'Mallory',
};

const errorShape = {
  statusCode: expect.any(Number),
  error: expect.any(String),
  message: expect.any(String),
  correlationId: expect.stringMatching(/\S/),
};

/** What an error body must never show: stack frames, source paths, driver and ORM internals. */
const internals: Array<[string, RegExp]> = [
  ['a stack frame', /(^|\n|\\n)\s*at |\bat \S+ \(/],
  ['a TypeScript source position', /\.ts:/],
  ['a dependency path', /node_modules/],
  ['a TypeORM error', /QueryFailedError/],
  ['a MongoDB driver error', /Mongo/],
];

function leakedInternals(response: Response): string[] {
  return internals.filter(([, pattern]) => pattern.test(response.text)).map(([name]) => name);
}

async function login(proxy: ValidatingProxy, who: { email: string; password: string }) {
  const response = await request(proxy.url)
    .post('/api/auth/login')
    .send({ email: who.email, password: who.password })
    .expect(200);
  return response.body.accessToken as string;
}

describe('Security of the gateway', () => {
  describe('rate limit of logins', () => {
    const limitPerMinute = 10;
    let platform: RunningPlatform;
    let proxy: ValidatingProxy;
    const attempts: Response[] = [];

    beforeAll(async () => {
      platform = await startPlatform({
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
        AUTH_RATE_LIMIT_PER_MINUTE: String(limitPerMinute),
        // The test client is on loopback, like a reverse proxy on the same host.
        TRUST_PROXY: 'loopback',
      });
      proxy = await ValidatingProxy.start(platform.url);
      for (let attempt = 0; attempt < 2 * limitPerMinute; attempt += 1) {
        attempts.push(
          await request(proxy.url)
            .post('/api/auth/login')
            .send({ email: admin.email, password: `guess number ${attempt}` }),
        );
      }
    });

    afterAll(async () => {
      await proxy?.stop();
      await platform?.stop();
    });

    it('answers the first 10 wrong passwords of a minute with 401 and the next 10 with 429', () => {
      expect(attempts.map((attempt) => attempt.status)).toEqual([
        ...Array<number>(limitPerMinute).fill(401),
        ...Array<number>(limitPerMinute).fill(429),
      ]);
    });

    it('tells a refused client after how many whole seconds to retry', () => {
      const retryAfter = attempts
        .slice(limitPerMinute)
        .map((attempt) => attempt.headers['retry-after']);

      for (const seconds of retryAfter) {
        expect(seconds).toMatch(/^\d+$/);
        expect(Number(seconds)).toBeGreaterThanOrEqual(1);
        expect(Number(seconds)).toBeLessThanOrEqual(60);
      }
    });

    it('refuses in the documented error shape', () => {
      const refused = attempts[limitPerMinute];

      expect(refused.body).toEqual({
        ...errorShape,
        statusCode: 429,
        error: 'Too Many Requests',
        // Not Nest's "ThrottlerException: Too Many Requests", which names an internal class.
        message: 'Too many attempts; retry after Retry-After seconds',
      });
    });

    it('refuses the right password too once the limit is reached', async () => {
      const response = await request(proxy.url).post('/api/auth/login').send(admin);

      expect(response.status).toBe(429);
      expect(response.body.accessToken).toBeUndefined();
    });

    it("counts a client behind a trusted proxy by its forwarded address, not the proxy's", async () => {
      const fromAnotherClient = await request(proxy.url)
        .post('/api/auth/login')
        .set('X-Forwarded-For', '203.0.113.7')
        .send({ email: admin.email, password: 'one more guess' });

      expect(fromAnotherClient.status).toBe(401);
    });

    itAnsweredAsDocumented(() => proxy);
  });

  describe('hostile input', () => {
    let platform: RunningPlatform;
    let proxy: ValidatingProxy;
    let database: Client;
    let adminToken: string;
    let customerToken: string;
    let customerId: string;
    let broker: { connection: ChannelModel; channel: Channel; ordersQueue: string };

    /**
     * Declares the orders queue as the orders service would, so that anything the gateway
     * sends there waits to be counted instead of being dropped for want of a queue.
     */
    async function connectToOrdersQueue(): Promise<typeof broker> {
      const endpoint = {
        url: platform.environment.variables.RABBITMQ_URL,
        queuePrefix: platform.environment.queuePrefix,
        service: 'orders',
        prefetchCount: 1,
      };
      const ordersQueue = queueName(endpoint.queuePrefix, endpoint.service);
      const connection = await connect(endpoint.url);
      const channel = await connection.createChannel();
      await channel.assertQueue(ordersQueue, rmqServerOptions(endpoint).options?.queueOptions);
      return { connection, channel, ordersQueue };
    }

    beforeAll(async () => {
      platform = await startPlatform({
        ADMIN_EMAIL: admin.email,
        ADMIN_PASSWORD: admin.password,
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      });
      proxy = await ValidatingProxy.start(platform.url);
      database = new Client({ connectionString: platform.environment.usersDatabaseUrl });
      await database.connect();
      const registered = await request(proxy.url)
        .post('/api/auth/register')
        .send(customer)
        .expect(201);
      customerId = registered.body.id as string;
      adminToken = await login(proxy, admin);
      customerToken = await login(proxy, customer);
      broker = await connectToOrdersQueue();
    });

    afterAll(async () => {
      await broker?.connection.close();
      await database?.end();
      await proxy?.stop();
      await platform?.stop();
    });

    async function userCount(): Promise<number> {
      const { rows } = await database.query<{ count: string }>('SELECT count(*) FROM users');
      return Number(rows[0].count);
    }

    async function customerRow(): Promise<unknown> {
      const { rows } = await database.query(
        'SELECT email, name, role, password_hash, updated_at FROM users WHERE id = $1',
        [customerId],
      );
      return rows[0];
    }

    /** Messages waiting for the orders service, which this platform does not run. */
    async function messagesForOrders(): Promise<number> {
      const { messageCount } = await broker.channel.checkQueue(broker.ordersQueue);
      return messageCount;
    }

    /** What a request must leave as it was, read before and after it. */
    const unchanged = {
      users: () => userCount(),
      profile: () => customerRow(),
      orders: () => messagesForOrders(),
    };

    type Caller = 'anyone' | 'customer' | 'admin';

    interface HostileRequest {
      method: 'get' | 'post' | 'patch';
      path: string;
      as: Caller;
      /** An object is sent as JSON; a string is sent as it is, as application/json. */
      body?: object | string;
      mustNotChange: keyof typeof unchanged;
    }

    function send(hostile: HostileRequest): Promise<Response> {
      let call = request(proxy.url)[hostile.method](hostile.path);
      if (hostile.as !== 'anyone')
        call = call.auth(hostile.as === 'admin' ? adminToken : customerToken, {
          type: 'bearer',
        });
      if (typeof hostile.body === 'string')
        return call.set('Content-Type', 'application/json').send(hostile.body);
      return hostile.body === undefined ? call : call.send(hostile.body);
    }

    // HTTP_BODY_LIMIT_BYTES, left at its default
    const bodyLimitBytes = 102_400;
    const gt = { $gt: '' };
    const ne = { $ne: null };
    const huge = 'x'.repeat(20_000);
    const objectId = '6745f0c2a1b2c3d4e5f60718';

    const registration = {
      email: 'injected@example.com',
      password: 'correct horse battery staple',
      name: 'Eve',
    };
    const product = {
      name: 'Espresso cup',
      description: 'Porcelain, 80 ml',
      priceMinor: 1250,
      currency: 'EUR',
      stock: 20,
    };
    const address = {
      recipient: 'Ada Lovelace',
      line1: '12 St James Square',
      city: 'London',
      postalCode: 'SW1Y 4JH',
      country: 'GB',
    };
    const order = {
      items: [{ productId: objectId, quantity: 2 }],
      paymentMethod: 'tok_visa',
      shippingAddress: address,
    };
    const withItem = (item: object) => ({ ...order, items: [{ ...order.items[0], ...item }] });
    const withAddress = (change: object) => ({
      ...order,
      shippingAddress: { ...address, ...change },
    });
    /** The same body as JSON text, with one more top-level member written in by hand. */
    const withMember = (body: object, member: string) =>
      `${JSON.stringify(body).slice(0, -1)},${member}}`;

    const register = (body: object | string): HostileRequest => ({
      method: 'post',
      path: '/api/auth/register',
      as: 'anyone',
      body,
      mustNotChange: 'users',
    });
    const logIn = (body: object | string): HostileRequest => ({
      method: 'post',
      path: '/api/auth/login',
      as: 'anyone',
      body,
      mustNotChange: 'users',
    });
    const patchProfile = (body: object | string): HostileRequest => ({
      method: 'patch',
      path: '/api/users/me',
      as: 'customer',
      body,
      mustNotChange: 'profile',
    });
    const createProduct = (body: object | string): HostileRequest => ({
      method: 'post',
      path: '/api/products',
      as: 'admin',
      body,
      mustNotChange: 'orders',
    });
    const placeOrder = (body: object | string): HostileRequest => ({
      method: 'post',
      path: '/api/orders',
      as: 'customer',
      body,
      mustNotChange: 'orders',
    });
    const byPath = (method: 'get' | 'post' | 'patch', path: string, as: Caller) =>
      ({ method, path, as, mustNotChange: 'orders' }) satisfies HostileRequest;

    const hostileRequests: Array<[string, HostileRequest]> = [
      // Registration
      ['register: email {$gt: ""}', register({ ...registration, email: gt })],
      ['register: password {$gt: ""}', register({ ...registration, password: gt })],
      ['register: name {$gt: ""}', register({ ...registration, name: gt })],
      ['register: email {$ne: null}', register({ ...registration, email: ne })],
      ['register: password {$ne: null}', register({ ...registration, password: ne })],
      ['register: email as an array', register({ ...registration, email: [registration.email] })],
      ['register: name as an array', register({ ...registration, name: ['Eve'] })],
      ['register: email as a number', register({ ...registration, email: 42 })],
      ['register: a huge name', register({ ...registration, name: huge })],
      ['register: a huge password', register({ ...registration, password: huge })],
      ['register: a huge email', register({ ...registration, email: `${huge}@example.com` })],
      [
        'register: __proto__ with a role',
        register(withMember(registration, '"__proto__":{"role":"admin"}')),
      ],
      [
        'register: constructor.prototype with a role',
        register(withMember(registration, '"constructor":{"prototype":{"role":"admin"}}')),
      ],
      ['register: an array as the body', register([registration])],
      // Login: the classic bypass is a query operator where the password belongs
      ['login: password {$ne: null}', logIn({ email: admin.email, password: ne })],
      ['login: password {$gt: ""}', logIn({ email: admin.email, password: gt })],
      ['login: email and password {$gt: ""}', logIn({ email: gt, password: gt })],
      ['login: email {$ne: null}', logIn({ email: ne, password: admin.password })],
      ['login: password as an array', logIn({ email: admin.email, password: [admin.password] })],
      ['login: email as an array', logIn({ email: [admin.email], password: admin.password })],
      ['login: a huge password', logIn({ email: admin.email, password: huge })],
      ['login: __proto__', logIn(withMember(admin, '"__proto__":{"role":"admin"}'))],
      // Own profile
      ['profile: name {$gt: ""}', patchProfile({ name: gt })],
      ['profile: password {$ne: null}', patchProfile({ password: ne })],
      ['profile: name as an array', patchProfile({ name: ['Mallory'] })],
      ['profile: a huge name', patchProfile({ name: huge })],
      ['profile: __proto__ with a role', patchProfile('{"__proto__":{"role":"admin"}}')],
      [
        'profile: constructor.prototype with a role',
        patchProfile('{"name":"Mallory","constructor":{"prototype":{"role":"admin"}}}'),
      ],
      ['profile: a role', patchProfile({ role: 'admin' })],
      // Catalog, as an admin
      ['product: name {$gt: ""}', createProduct({ ...product, name: gt })],
      ['product: description {$ne: null}', createProduct({ ...product, description: ne })],
      ['product: currency {$gt: ""}', createProduct({ ...product, currency: gt })],
      ['product: priceMinor {$gt: 0}', createProduct({ ...product, priceMinor: { $gt: 0 } })],
      ['product: priceMinor as a string', createProduct({ ...product, priceMinor: '1250' })],
      ['product: stock as a string', createProduct({ ...product, stock: '20' })],
      ['product: a negative price', createProduct({ ...product, priceMinor: -1 })],
      ['product: a fractional price', createProduct({ ...product, priceMinor: 12.5 })],
      ['product: a price beyond any limit', createProduct({ ...product, priceMinor: 1e308 })],
      ['product: name as an array', createProduct({ ...product, name: ['Espresso cup'] })],
      ['product: a huge description', createProduct({ ...product, description: huge })],
      ['product: __proto__', createProduct(withMember(product, '"__proto__":{"polluted":true}'))],
      [
        'product: constructor.prototype',
        createProduct(withMember(product, '"constructor":{"prototype":{"polluted":true}}')),
      ],
      // Orders, as a customer
      ['order: items[].productId {$gt: ""}', placeOrder(withItem({ productId: gt }))],
      ['order: items[].productId {$ne: null}', placeOrder(withItem({ productId: ne }))],
      ['order: items[].productId not a hex id', placeOrder(withItem({ productId: 'abc' }))],
      ['order: items[].quantity negative', placeOrder(withItem({ quantity: -1 }))],
      ['order: items[].quantity zero', placeOrder(withItem({ quantity: 0 }))],
      ['order: items[].quantity fractional', placeOrder(withItem({ quantity: 1.5 }))],
      ['order: items[].quantity as a string', placeOrder(withItem({ quantity: '2' }))],
      ['order: items[].quantity {$gt: 0}', placeOrder(withItem({ quantity: { $gt: 0 } }))],
      ['order: items {$gt: ""}', placeOrder({ ...order, items: gt })],
      ['order: no items', placeOrder({ ...order, items: [] })],
      ['order: paymentMethod {$ne: null}', placeOrder({ ...order, paymentMethod: ne })],
      ['order: paymentMethod as an array', placeOrder({ ...order, paymentMethod: ['tok_visa'] })],
      [
        'order: paymentMethod with a statement',
        placeOrder({ ...order, paymentMethod: "tok_visa'; db.dropDatabase(); '" }),
      ],
      ...(['recipient', 'line1', 'city', 'postalCode', 'country'] as const).map(
        (field): [string, HostileRequest] => [
          `order: shippingAddress.${field} {$gt: ""}`,
          placeOrder(withAddress({ [field]: gt })),
        ],
      ),
      ['order: shippingAddress.city huge', placeOrder(withAddress({ city: huge }))],
      ['order: shippingAddress as a string', placeOrder({ ...order, shippingAddress: 'London' })],
      [
        'order: __proto__ in the shipping address',
        placeOrder(
          JSON.stringify(order).replace('"country":"GB"', '"country":"GB","__proto__":{"x":1}'),
        ),
      ],
      ['order: __proto__', placeOrder(withMember(order, '"__proto__":{"status":"CONFIRMED"}'))],
      // Path and query parameters
      ...(
        [
          ['get', '/api/products/:id', 'anyone'],
          ['patch', '/api/products/:id', 'admin'],
          ['get', '/api/orders/:id', 'customer'],
          ['post', '/api/orders/:id/cancel', 'customer'],
        ] as const
      ).flatMap(([method, template, as]): Array<[string, HostileRequest]> => [
        [
          `${method.toUpperCase()} ${template}: id {"$gt":""} url-encoded`,
          byPath(method, template.replace(':id', encodeURIComponent('{"$gt":""}')), as),
        ],
        [
          `${method.toUpperCase()} ${template}: id {"$gt":""} as it is`,
          byPath(method, template.replace(':id', '{"$gt":""}'), as),
        ],
        [
          `${method.toUpperCase()} ${template}: id not 24 hex digits`,
          byPath(method, template.replace(':id', objectId.slice(1)), as),
        ],
        [
          `${method.toUpperCase()} ${template}: id with a broken percent-encoding`,
          byPath(method, template.replace(':id', '%E0%A4%A'), as),
        ],
      ]),
      [
        'PATCH /api/products/:id: priceMinor as a string',
        { ...byPath('patch', `/api/products/${objectId}`, 'admin'), body: { priceMinor: '1300' } },
      ],
      ['products: limit[$gt]=0', byPath('get', '/api/products?limit[$gt]=0', 'anyone')],
      ['products: a negative limit', byPath('get', '/api/products?limit=-1', 'anyone')],
      ['products: limit not a number', byPath('get', '/api/products?limit=abc', 'anyone')],
      ['products: a fractional offset', byPath('get', '/api/products?offset=1.5', 'anyone')],
      ['payments: orderId[$ne]=x', byPath('get', '/api/payments?orderId[$ne]=x', 'customer')],
      ['payments: orderId twice', byPath('get', '/api/payments?orderId=a&orderId=b', 'customer')],
    ];

    it.each(hostileRequests)('refuses %s and changes nothing', async (_name, hostile) => {
      const before = await unchanged[hostile.mustNotChange]();

      const response = await send(hostile);

      expect(response.status).toBe(400);
      expect(response.body.accessToken).toBeUndefined();
      expect(await unchanged[hostile.mustNotChange]()).toEqual(before);
    });

    it.each(hostileRequests)(
      'refuses %s in the error shape, without internals',
      async (_name, hostile) => {
        const response = await send(hostile);

        expect(response.body).toMatchObject(errorShape);
        expect(leakedInternals(response)).toEqual([]);
      },
    );

    it('stores SQL metacharacters in a name as plain text', async () => {
      const name = "Robert'); DROP TABLE users;--";

      const response = await request(proxy.url)
        .post('/api/auth/register')
        .send({ ...registration, email: 'bobby@example.com', name })
        .expect(201);

      const { rows } = await database.query('SELECT name FROM users WHERE id = $1', [
        response.body.id,
      ]);
      expect(rows).toEqual([{ name }]);
    });

    describe('bodies the parser refuses', () => {
      it('answers a JSON body over the size limit with 413 in the error shape', async () => {
        const before = await userCount();
        const body = JSON.stringify({ ...registration, name: 'x'.repeat(bodyLimitBytes) });

        const response = await request(proxy.url)
          .post('/api/auth/register')
          .set('Content-Type', 'application/json')
          .set('X-Request-Id', 'oversize-1')
          .send(body);

        expect(response.status).toBe(413);
        expect(response.body).toEqual({
          statusCode: 413,
          error: 'Payload Too Large',
          message: expect.any(String),
          correlationId: 'oversize-1',
        });
        expect(await userCount()).toBe(before);
      });

      it.each([
        ['a truncated object', '{"email":'],
        ['a trailing comma', '{"email":"a@example.com",}'],
        ['single quotes', "{'email':'a@example.com'}"],
        ['a bare string', '"a@example.com"'],
      ])('answers %s with 400 Malformed JSON body', async (_name, body) => {
        const response = await request(proxy.url)
          .post('/api/auth/login')
          .set('Content-Type', 'application/json')
          .set('X-Request-Id', 'malformed-1')
          .send(body);

        expect(response.status).toBe(400);
        expect(response.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: 'Malformed JSON body',
          correlationId: 'malformed-1',
        });
      });
    });

    describe('admin-only routes', () => {
      const adminOnly = [
        ['POST /api/products', 'post', '/api/products', product],
        ['PATCH /api/products/:id', 'patch', `/api/products/${objectId}`, { stock: 0 }],
      ] as const;

      it.each(adminOnly)(
        'answers %s with a customer token with 403',
        async (_name, method, path, body) => {
          const response = await request(proxy.url)
            [method](path)
            .auth(customerToken, { type: 'bearer' })
            .send(body);

          expect(response.status).toBe(403);
          expect(response.body).toMatchObject({ ...errorShape, statusCode: 403 });
        },
      );

      it.each(adminOnly)(
        'answers %s without a token with 401',
        async (_name, method, path, body) => {
          const response = await request(proxy.url)[method](path).send(body);

          expect(response.status).toBe(401);
          expect(response.body).toMatchObject({ ...errorShape, statusCode: 401 });
        },
      );
    });

    describe('response headers', () => {
      const responses: Array<[string, () => Promise<Response>]> = [
        ['a JSON answer', () => request(proxy.url).get('/health')],
        ['a validation error', () => request(proxy.url).post('/api/auth/login').send({})],
        ['an authentication error', () => request(proxy.url).get('/api/users/me')],
        ['an unknown route', () => request(proxy.url).get('/api/nothing-here')],
        [
          'a body over the size limit',
          () =>
            request(proxy.url)
              .post('/api/auth/login')
              .set('Content-Type', 'application/json')
              .send(JSON.stringify({ email: 'x'.repeat(bodyLimitBytes) })),
        ],
        [
          'a malformed body',
          () =>
            request(proxy.url)
              .post('/api/auth/login')
              .set('Content-Type', 'application/json')
              .send('{'),
        ],
        ['the OpenAPI document', () => request(proxy.url).get('/docs-json')],
        ['Swagger UI', () => request(proxy.url).get('/docs/')],
      ];

      it.each(responses)('sends helmet headers on %s', async (_name, call) => {
        const response = await call();

        expect(response.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'strict-transport-security': expect.stringContaining('max-age='),
          'content-security-policy': expect.stringContaining("default-src 'self'"),
        });
      });

      it.each(responses)('sends no X-Powered-By on %s', async (_name, call) => {
        const response = await call();

        expect(response.headers['x-powered-by']).toBeUndefined();
      });

      it('keeps upgrade-insecure-requests in the policy of the API', async () => {
        const response = await request(proxy.url).get('/api/products/not-an-id');

        expect(response.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      });

      it('relaxes nothing but upgrade-insecure-requests for Swagger UI', async () => {
        const api = await request(proxy.url).get('/health');
        const docs = await request(proxy.url).get('/docs/');

        const directivesOf = (policy: string) => policy.split(';').sort();
        expect(directivesOf(docs.headers['content-security-policy'])).toEqual(
          directivesOf(api.headers['content-security-policy']).filter(
            (directive) => directive !== 'upgrade-insecure-requests',
          ),
        );
      });
    });

    itAnsweredAsDocumented(() => proxy);
  });
});
