import { ShopApi } from '../harness/shop-api';

/** One HTTP request of the traffic and how it ended. */
export interface RequestOutcome {
  what: string;
  /** The HTTP status; 'hung' when the client gave up, 'network error' when no answer came. */
  status: number | 'hung' | 'network error';
  durationMs: number;
  /** The accepted order's id, for an order answered 202. */
  orderId?: string;
}

export interface TrafficOptions {
  /** One order (and one read) starts this often. */
  intervalMs: number;
  /** No new request starts while this many wait for an answer: a black hole must not pile up. */
  maxInFlight: number;
}

async function timed(
  what: string,
  call: () => Promise<{ status: number; body: unknown }>,
): Promise<RequestOutcome> {
  const startedAt = performance.now();
  try {
    const { status, body } = await call();
    const durationMs = performance.now() - startedAt;
    const orderId =
      status === 202 && typeof body === 'object' && body !== null && 'id' in body
        ? String(body.id)
        : undefined;
    return { what, status, durationMs, orderId };
  } catch (error) {
    const durationMs = performance.now() - startedAt;
    const isTimeout = error instanceof Error && error.name === 'TimeoutError';
    return { what, status: isTimeout ? 'hung' : 'network error', durationMs };
  }
}

/**
 * A customer placing orders at a steady pace, with a read of each service's data in between
 * (catalog: orders and MongoDB; profile: users and PostgreSQL; invoices: payments and
 * PostgreSQL), so a fault anywhere meets requests that need it.
 */
export class ShopTraffic {
  readonly outcomes: RequestOutcome[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private ticks = 0;

  constructor(
    private readonly customer: ShopApi,
    private readonly productId: string,
    private readonly options: TrafficOptions,
  ) {}

  start(): void {
    // A pace, not a wait for a condition: traffic arrives whether or not the shop is healthy.
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
  }

  /** Stops starting requests and waits for those in flight (each has the client's deadline). */
  async stop(): Promise<RequestOutcome[]> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    return this.outcomes;
  }

  get acceptedOrderIds(): string[] {
    return this.outcomes.flatMap((outcome) => outcome.orderId ?? []);
  }

  private tick(): void {
    if (this.inFlight.size >= this.options.maxInFlight) return;
    const reads = [
      () => this.customer.request('GET', `/api/products/${this.productId}`),
      () => this.customer.request('GET', '/api/users/me'),
      () => this.customer.request('GET', '/api/invoices'),
    ];
    const read = this.ticks % reads.length;
    this.ticks += 1;
    this.track(timed('place order', () => this.customer.placeOrder(this.productId, 1)));
    this.track(timed(['read product', 'read profile', 'read invoices'][read], reads[read]));
  }

  private track(request: Promise<RequestOutcome>): void {
    const done: Promise<void> = request.then((outcome) => {
      this.outcomes.push(outcome);
      this.inFlight.delete(done);
    });
    this.inFlight.add(done);
  }
}
