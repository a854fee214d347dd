import { OrderView, ProductView } from '@shop/contracts';
import { eventually } from './eventually';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small typed HTTP client of the gateway, as a shop's front end would use it. */
export class ShopApi {
  constructor(
    readonly baseUrl: string,
    /** The bearer access token this client sends, if logged in. */
    readonly token?: string,
    /** Each request is aborted (fetch rejects with a TimeoutError) after this long. Default: never. */
    private readonly requestTimeoutMs?: number,
  ) {}

  as(token: string): ShopApi {
    return new ShopApi(this.baseUrl, token, this.requestTimeoutMs);
  }

  /** The same client (token, timeout) against another address, e.g. a restarted gateway's. */
  at(baseUrl: string): ShopApi {
    return new ShopApi(baseUrl, this.token, this.requestTimeoutMs);
  }

  withRequestTimeout(requestTimeoutMs: number): ShopApi {
    return new ShopApi(this.baseUrl, this.token, requestTimeoutMs);
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      // The caller's signal, else this client's per-request timeout, if any.
      signal:
        signal ??
        (this.requestTimeoutMs === undefined
          ? undefined
          : AbortSignal.timeout(this.requestTimeoutMs)),
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(this.token && { authorization: `Bearer ${this.token}` }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: response.headers,
    };
  }

  async signUp(email: string, password = 'correct horse battery staple'): Promise<ShopApi> {
    await this.request('POST', '/api/auth/register', {
      email,
      password,
      name: email.split('@')[0],
    });
    return this.logIn(email, password);
  }

  async logIn(email: string, password: string): Promise<ShopApi> {
    const login = await this.request<{ accessToken: string }>('POST', '/api/auth/login', {
      email,
      password,
    });
    if (login.status !== 200) throw new Error(`Login of ${email} failed with ${login.status}`);
    return this.as(login.body.accessToken);
  }

  async createProduct(stock: number, priceMinor = 1_000): Promise<ProductView> {
    const created = await this.request<ProductView>('POST', '/api/products', {
      name: `Product ${Math.random().toString(36).slice(2, 8)}`,
      priceMinor,
      currency: 'EUR',
      stock,
    });
    if (created.status !== 201)
      throw new Error(
        `Creating a product failed with ${created.status}: ${JSON.stringify(created.body)}`,
      );
    return created.body;
  }

  placeOrder(
    productId: string,
    quantity: number,
    paymentMethod = 'tok_visa',
    headers: Record<string, string> = {},
  ) {
    return this.request<OrderView>(
      'POST',
      '/api/orders',
      {
        items: [{ productId, quantity }],
        paymentMethod,
        shippingAddress: {
          recipient: 'Ada Lovelace',
          line1: '12 St James Square',
          city: 'London',
          postalCode: 'SW1Y 4JH',
          country: 'GB',
        },
      },
      headers,
    );
  }

  order(orderId: string) {
    return this.request<OrderView>('GET', `/api/orders/${orderId}`);
  }

  /** Polls the order until its saga has ended (or, with `cancelled`, until the cancellation has). */
  finalOrder(orderId: string, timeoutMs = 30_000): Promise<OrderView> {
    return eventually(
      async () => {
        const { status, body } = await this.order(orderId);
        if (status !== 200) return undefined;
        const isSettled =
          body.status === 'CANCELLED' ||
          (body.status === 'CONFIRMED' && !body.cancellationRequested);
        return isSettled ? body : undefined;
      },
      timeoutMs,
      `order ${orderId} to settle`,
      // Many orders polled at once must not load the platform more than the orders themselves.
      250,
    );
  }
}

export type Caller = 'anyone' | 'customer' | 'admin';

/** The three kinds of caller the API knows, through one base URL: a fresh customer and the admin. */
export async function shopCallers(
  baseUrl: string,
  admin: { email: string; password: string },
): Promise<Record<Caller, ShopApi>> {
  const anyone = new ShopApi(baseUrl);
  return {
    anyone,
    customer: await anyone.signUp('grace@example.com'),
    admin: await anyone.logIn(admin.email, admin.password),
  };
}
