// @shop/platform's env classes read decorator metadata as soon as they load.
import 'reflect-metadata';
import { OrderView } from '@shop/contracts';
import { RunningPlatform, startShopPlatform } from './harness/platform';
import { ShopApi } from './harness/shop-api';
import { ValidatingProxy } from './harness/validating-proxy';

const admin = { email: 'admin@shop.test', password: 'admin password of the contract run' };
const RATE_LIMIT_PER_MINUTE = 20;

/**
 * Every route and the statuses it can answer, through a validating proxy that checks each
 * request and response against the gateway's own OpenAPI document.
 */
describe('The OpenAPI document is the contract', () => {
  let platform: RunningPlatform;
  let proxy: ValidatingProxy;
  let anyone: ShopApi;
  let customer: ShopApi;
  let shopAdmin: ShopApi;

  beforeAll(async () => {
    platform = await startShopPlatform(admin, {
      AUTH_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    });
    proxy = await ValidatingProxy.start(platform.url);
    anyone = new ShopApi(proxy.url);
    customer = await anyone.signUp('grace@example.com');
    shopAdmin = await anyone.logIn(admin.email, admin.password);
  });

  afterAll(async () => {
    await proxy?.stop();
    await platform?.stop();
  });

  it('describes every answer of a tour through every route and its errors', async () => {
    const other = await anyone.signUp('mallory@example.com');
    await anyone.request('POST', '/api/auth/register', {
      email: 'grace@example.com',
      password: 'correct horse battery staple',
      name: 'Grace',
    });
    await anyone.request('POST', '/api/auth/register', { email: 'not an email' });
    await anyone.request('POST', '/api/auth/register', { name: 'x'.repeat(200_000) });
    await anyone.request('POST', '/api/auth/login', { email: 'grace@example.com', password: 'no' });
    await anyone.request('GET', '/api/users/me');
    await customer.request('GET', '/api/users/me');
    await customer.request('PATCH', '/api/users/me', { name: 'Grace Hopper' });
    await customer.request('PATCH', '/api/users/me', { name: null });
    await customer.request(
      'PATCH',
      '/api/users/me',
      { name: 'x' },
      { 'content-type': 'text/plain' },
    );
    const product = await shopAdmin.createProduct(5, 1_250);
    await anyone.request('GET', '/api/products?limit=2&offset=0');
    await anyone.request('GET', '/api/products?limit=abc');
    await anyone.request('GET', `/api/products/${product.id}`);
    await anyone.request('GET', '/api/products/6745f0c2a1b2c3d4e5f60718');
    await anyone.request('GET', '/api/products/not-an-id');
    await customer.request('POST', '/api/products', { name: 'x' });
    await shopAdmin.request('PATCH', `/api/products/${product.id}`, { priceMinor: 1_300 });
    await shopAdmin.request('PATCH', '/api/products/6745f0c2a1b2c3d4e5f60718', { stock: 1 });
    const placed = await customer.placeOrder(product.id, 1, 'tok_visa', {
      'Idempotency-Key': 'contract-1',
    });
    await customer.request('POST', `/api/orders/${placed.body.id}/cancel`);
    await customer.placeOrder('6745f0c2a1b2c3d4e5f60718', 1);
    await customer.placeOrder(product.id, 1, 'tok_declined');
    await customer.request('GET', '/api/orders');
    await other.request('GET', `/api/orders/${placed.body.id}`);
    const confirmed: OrderView = await customer.finalOrder(placed.body.id);
    await customer.request('GET', `/api/orders/${confirmed.id}`);
    await customer.request('POST', `/api/orders/${confirmed.id}/cancel`);
    await customer.request('GET', `/api/payments?orderId=${confirmed.id}`);
    await customer.request('GET', '/api/invoices');
    await anyone.request('GET', '/health');
    await anyone.request('GET', '/health/ready');
    for (let attempt = 0; attempt <= RATE_LIMIT_PER_MINUTE; attempt += 1)
      await anyone.request('POST', '/api/auth/login', {
        email: 'a@example.com',
        password: 'wrong',
      });

    expect(await proxy.violations()).toEqual([]);
  });
});
