// @shop/platform's env classes read decorator metadata as soon as they load.
import 'reflect-metadata';
import {
  CreateProductCommand,
  ListInvoicesFilter,
  ListOrdersFilter,
  ListPaymentsFilter,
  ListProductsQuery,
  LoginCommand,
  PlaceOrderBody,
  ProductView,
  RegisterUserCommand,
  UpdateProductBody,
  UpdateProfileBody,
} from '@shop/contracts';
import fc from 'fast-check';
import {
  FieldOverrides,
  applyMutation,
  describeMutation,
  everyMutationOnce,
  mutationsOf,
  validObject,
} from './harness/dto-arbitraries';
import { rulesOf } from './harness/dto-rules';
import { RunningPlatform, startShopPlatform } from './harness/platform';
import { queryMutationsOf, queryStringOf } from './harness/query-mutations';
import { Caller, ShopApi, shopCallers } from './harness/shop-api';
import { ShopState } from './harness/shop-state';
import { ValidatingProxy, itAnsweredAsDocumented } from './harness/validating-proxy';

const admin = { email: 'admin@shop.test', password: 'admin password of the validation run' };

/** Random bodies per route on top of one body per mutation; seeded, so a failure repeats. */
const RANDOM_RUNS = 10;
const SEED = 12;

interface BodyRoute {
  method: 'POST' | 'PATCH';
  path: string;
  caller: Caller;
  dto: new () => object;
}

describe('Bad input at the edge: 4xx, nothing written, no dead letter', () => {
  let platform: RunningPlatform;
  let proxy: ValidatingProxy;
  let state: ShopState;
  let callers: Record<Caller, ShopApi>;
  let product: ProductView;
  let deadLettersBefore: Record<string, number>;

  beforeAll(async () => {
    platform = await startShopPlatform(admin);
    proxy = await ValidatingProxy.start(platform.url);
    callers = await shopCallers(proxy.url, admin);
    product = await callers.admin.createProduct(10, 1_250);
    state = await ShopState.open(platform.environment);
    deadLettersBefore = await state.deadLetters();
  });

  afterAll(async () => {
    await state?.close();
    await proxy?.stop();
    await platform?.stop();
  });

  /** Sends a request that must be refused, and checks that it changed nothing. */
  async function expectRefused(caller: Caller, method: string, path: string, body?: unknown) {
    const before = await state.snapshot();

    const response = await callers[caller].request<{ message?: string }>(method, path, body);
    const after = await state.snapshot();

    const what = `${method} ${path} ${JSON.stringify(body)?.slice(0, 300)}`;
    expect({ what, status: response.status }).toEqual({ what, status: expect.any(Number) });
    if (response.status < 400 || response.status >= 500)
      throw new Error(`${what} answered ${response.status}: ${JSON.stringify(response.body)}`);
    if (after !== before) throw new Error(`${what} answered ${response.status} but wrote`);
    return response;
  }

  describe('the requests of issue #12', () => {
    it.each([
      ['name', { name: null, priceMinor: 10, stock: 10 }],
      ['priceMinor', { priceMinor: null }],
      ['stock', { stock: null }],
    ])('refuses a product PATCH with %s null, naming the field', async (field, body) => {
      const response = await expectRefused('admin', 'PATCH', `/api/products/${product.id}`, body);

      expect({ status: response.status, message: response.body.message }).toEqual({
        status: 400,
        message: expect.stringContaining(`${field} must not be null`),
      });
    });

    it.each([
      ['without shippingAddress', undefined],
      ['with an array for shippingAddress', []],
    ])('refuses an order %s with 400', async (_case, shippingAddress) => {
      const body = {
        items: [{ productId: product.id, quantity: 1 }],
        paymentMethod: 'tok_visa',
        ...(shippingAddress && { shippingAddress }),
      };

      const response = await expectRefused('customer', 'POST', '/api/orders', body);

      expect(response.body.message).toContain('shippingAddress must be an object');
    });

    it.each(['name', 'password'])('refuses a profile PATCH with %s null', async (field) => {
      const response = await expectRefused('customer', 'PATCH', '/api/users/me', {
        [field]: null,
      });

      expect(response.status).toBe(400);
    });

    it('refuses a product with description null instead of storing ""', async () => {
      const response = await expectRefused('admin', 'POST', '/api/products', {
        name: 'Cup',
        description: null,
        priceMinor: 100,
        currency: 'EUR',
        stock: 1,
      });

      expect(response.body.message).toContain('description must not be null');
    });

    it.each(['offset', 'limit'])(
      'refuses an empty ?%s= like any other non-number',
      async (field) => {
        const response = await expectRefused('anyone', 'GET', `/api/products?${field}=`);

        expect(response.body.message).toContain(`${field} must be an integer number`);
      },
    );

    it('refuses a PATCH whose body is not JSON with 415', async () => {
      const before = await state.snapshot();

      const response = await callers.admin.request(
        'PATCH',
        `/api/products/${product.id}`,
        { name: 'Renamed' },
        { 'content-type': 'text/plain' },
      );

      expect({ status: response.status, wrote: (await state.snapshot()) !== before }).toEqual({
        status: 415,
        wrote: false,
      });
    });
  });

  const bodyRoutes: BodyRoute[] = [
    { method: 'POST', path: '/api/auth/register', caller: 'anyone', dto: RegisterUserCommand },
    { method: 'POST', path: '/api/auth/login', caller: 'anyone', dto: LoginCommand },
    { method: 'PATCH', path: '/api/users/me', caller: 'customer', dto: UpdateProfileBody },
    { method: 'POST', path: '/api/products', caller: 'admin', dto: CreateProductCommand },
    { method: 'PATCH', path: '/api/products/{id}', caller: 'admin', dto: UpdateProductBody },
    { method: 'POST', path: '/api/orders', caller: 'customer', dto: PlaceOrderBody },
  ];

  it.each(bodyRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    'answers 4xx and writes nothing for every broken body of %s',
    async (_label, route) => {
      const fields = rulesOf(route.dto);
      const overrides: FieldOverrides = { productId: product.id };
      const bodies = validObject(fields, overrides);
      const mutations = mutationsOf(fields);
      const path = route.path.replace('{id}', product.id);

      await fc.assert(
        fc.asyncProperty(bodies, fc.constantFrom(...mutations), async (body, mutation) => {
          const broken = applyMutation(body, mutation);
          try {
            await expectRefused(route.caller, route.method, path, broken);
          } catch (error) {
            throw new Error(`${describeMutation(mutation)}: ${(error as Error).message}`);
          }
        }),
        // fast-check counts the examples among the runs.
        {
          numRuns: mutations.length + RANDOM_RUNS,
          seed: SEED,
          examples: everyMutationOnce(fields, overrides, SEED),
        },
      );
    },
  );

  const queryRoutes: Array<[string, Caller, new () => object]> = [
    ['/api/products', 'anyone', ListProductsQuery],
    ['/api/orders', 'customer', ListOrdersFilter],
    ['/api/payments', 'customer', ListPaymentsFilter],
    ['/api/invoices', 'customer', ListInvoicesFilter],
  ];

  it.each(queryRoutes)(
    'answers 4xx for every broken query of GET %s',
    async (path, caller, dto) => {
      for (const mutation of queryMutationsOf(rulesOf(dto))) {
        const response = await expectRefused(caller, 'GET', `${path}?${queryStringOf(mutation)}`);

        expect({ [`${mutation.field} ${mutation.why}`]: response.status }).toEqual({
          [`${mutation.field} ${mutation.why}`]: 400,
        });
      }
    },
  );

  it('left every dead-letter queue as it was', async () => {
    expect(await state.deadLetters()).toEqual(deadLettersBefore);
  });

  itAnsweredAsDocumented(() => proxy);
});
