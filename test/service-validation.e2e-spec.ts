// @shop/platform's env classes read decorator metadata as soon as they load.
import 'reflect-metadata';
import {
  AuthorizePaymentCommand,
  CancelOrderCommand,
  CapturePaymentCommand,
  CreateProductCommand,
  ErrorCodes,
  FindUserQuery,
  GetOrderQuery,
  GetProductQuery,
  ListInvoicesQuery,
  ListOrdersQuery,
  ListPaymentsQuery,
  ListProductsQuery,
  LoginCommand,
  ORDERS_SERVICE,
  OrdersPatterns,
  PAYMENTS_SERVICE,
  PaymentsCommandEvents,
  PaymentsPatterns,
  PlaceOrderCommand,
  ProductsPatterns,
  RefundPaymentCommand,
  RegisterUserCommand,
  USERS_SERVICE,
  UpdateProductCommand,
  UpdateProfileCommand,
  UsersPatterns,
  VoidPaymentCommand,
} from '@shop/contracts';
import {
  applyMutation,
  describeMutation,
  everyMutationOnce,
  mutationsOf,
} from './harness/dto-arbitraries';
import { rulesOf } from './harness/dto-rules';
import { RunningPlatform, startShopPlatform } from './harness/platform';
import { RmqRequester } from './harness/rmq-requester';
import { ShopApi } from './harness/shop-api';
import { ShopState } from './harness/shop-state';
import { ValidatingProxy, itAnsweredAsDocumented } from './harness/validating-proxy';

const SEED = 21;

const admin = { email: 'admin@shop.test', password: 'admin password of the rpc run' };

/** Every request pattern a service validates, with the DTO its handler takes. */
const commands: Array<[pattern: string, service: string, dto: new () => object]> = [
  [UsersPatterns.register, USERS_SERVICE, RegisterUserCommand],
  [UsersPatterns.login, USERS_SERVICE, LoginCommand],
  [UsersPatterns.findById, USERS_SERVICE, FindUserQuery],
  [UsersPatterns.validate, USERS_SERVICE, FindUserQuery],
  [UsersPatterns.updateProfile, USERS_SERVICE, UpdateProfileCommand],
  [ProductsPatterns.create, ORDERS_SERVICE, CreateProductCommand],
  [ProductsPatterns.update, ORDERS_SERVICE, UpdateProductCommand],
  [ProductsPatterns.get, ORDERS_SERVICE, GetProductQuery],
  [ProductsPatterns.list, ORDERS_SERVICE, ListProductsQuery],
  [OrdersPatterns.place, ORDERS_SERVICE, PlaceOrderCommand],
  [OrdersPatterns.get, ORDERS_SERVICE, GetOrderQuery],
  [OrdersPatterns.list, ORDERS_SERVICE, ListOrdersQuery],
  [OrdersPatterns.cancel, ORDERS_SERVICE, CancelOrderCommand],
  [PaymentsPatterns.authorize, PAYMENTS_SERVICE, AuthorizePaymentCommand],
  [PaymentsPatterns.capture, PAYMENTS_SERVICE, CapturePaymentCommand],
  [PaymentsPatterns.void, PAYMENTS_SERVICE, VoidPaymentCommand],
  [PaymentsPatterns.refund, PAYMENTS_SERVICE, RefundPaymentCommand],
  [PaymentsPatterns.list, PAYMENTS_SERVICE, ListPaymentsQuery],
  [PaymentsPatterns.listInvoices, PAYMENTS_SERVICE, ListInvoicesQuery],
];

describe('Services refuse invalid commands that bypass the gateway', () => {
  let platform: RunningPlatform;
  let proxy: ValidatingProxy;
  let state: ShopState;
  let rmq: RmqRequester;
  /** Valid values of the fields that must name something that exists. */
  let overrides: Record<string, unknown>;
  let deadLettersBefore: Record<string, number>;

  beforeAll(async () => {
    platform = await startShopPlatform(admin);
    proxy = await ValidatingProxy.start(platform.url);
    const api = new ShopApi(proxy.url);
    const shopAdmin = await api.logIn(admin.email, admin.password);
    const customer = await api.signUp('grace@example.com');
    const me = (await customer.request<{ id: string }>('GET', '/api/users/me')).body;
    const product = await shopAdmin.createProduct(10, 1_250);
    // Valid values for fields that must name something that exists, so that the mutation
    // is the only thing wrong with a command.
    overrides = {
      userId: me.id,
      productId: product.id,
      requester: { userId: me.id, role: 'customer' },
    };
    state = await ShopState.open(platform.environment);
    rmq = await RmqRequester.open(platform.environment.queuePrefix);
    deadLettersBefore = await state.deadLetters();
  });

  afterAll(async () => {
    await rmq?.close();
    await state?.close();
    await proxy?.stop();
    await platform?.stop();
  });

  it.each(commands)(
    'answers every broken %s with VALIDATION_FAILED and writes nothing',
    async (pattern, service, dto) => {
      const broken = everyMutationOnce(rulesOf(dto), overrides, SEED);
      const before = await state.snapshot();

      const wrong: string[] = [];
      for (const [body, mutation] of broken) {
        const reply = await rmq.send(service, pattern, applyMutation(body, mutation));
        const code = (reply.err as { code?: string } | undefined)?.code;
        if (code !== ErrorCodes.validationFailed)
          wrong.push(`${describeMutation(mutation)}: ${JSON.stringify(reply).slice(0, 200)}`);
      }
      const after = await state.snapshot();

      expect({ wrong, wrote: after !== before }).toEqual({ wrong: [], wrote: false });
    },
  );

  it('acknowledges a broken void-requested event without a dead letter or a write', async () => {
    const before = await state.snapshot();

    for (const mutation of mutationsOf(rulesOf(VoidPaymentCommand)))
      rmq.emit(PAYMENTS_SERVICE, PaymentsCommandEvents.voidRequested, applyMutation({}, mutation));
    // A request queued behind the events is answered only once they were all handled.
    await rmq.send(PAYMENTS_SERVICE, PaymentsPatterns.list, { userId: 'not a uuid' });

    expect({
      deadLetters: await state.deadLetters(),
      wrote: (await state.snapshot()) !== before,
    }).toEqual({ deadLetters: deadLettersBefore, wrote: false });
  });

  it('left every dead-letter queue as it was', async () => {
    expect(await state.deadLetters()).toEqual(deadLettersBefore);
  });

  itAnsweredAsDocumented(() => proxy);
});
