import { randomUUID } from 'node:crypto';
import { eventually } from './eventually';
import { ShopApi } from './shop-api';

export interface OrderLoadReport {
  /** Orders the gateway accepted (202), by id. */
  accepted: string[];
  /** 5xx answers and failed connections the client saw, each retried with the same key. */
  serverErrors: number;
  /** Orders still refused after the client's retries: what a user would see fail. */
  failedAfterRetries: number;
  /** Answers other than 202 and 5xx (a bug here: the load only places valid orders). */
  unexpected: number[];
  startedAt: number;
  stoppedAt: number;
}

/**
 * A steady order load, as a retry-safe client produces it: `workers` users place one order after
 * another, each under its own Idempotency-Key, and retry a 5xx or a dropped connection with the
 * same key (so a retry never orders twice) for up to `retryForMs`. Each waits for its order's
 * saga to end before the next, so the sagas in flight stay bounded (a closed loop over the whole
 * saga, not only the POST) and the load stays steady on a slow machine.
 */
export class OrderLoad {
  private readonly report: OrderLoadReport = {
    accepted: [],
    serverErrors: 0,
    failedAfterRetries: 0,
    unexpected: [],
    startedAt: Date.now(),
    stoppedAt: 0,
  };
  private isRunning = true;
  private readonly workers: Promise<void>[];

  constructor(
    private readonly customer: ShopApi,
    private readonly productId: string,
    workers: number,
    private readonly retryForMs = 60_000,
  ) {
    this.workers = Array.from({ length: workers }, () => this.work());
  }

  get accepted(): number {
    return this.report.accepted.length;
  }

  get serverErrors(): number {
    return this.report.serverErrors;
  }

  /** What happened so far; the load goes on. */
  snapshot(): OrderLoadReport {
    return { ...this.report, accepted: [...this.report.accepted], stoppedAt: Date.now() };
  }

  /** Lets every worker finish its order in progress. */
  async stop(): Promise<OrderLoadReport> {
    this.isRunning = false;
    await Promise.all(this.workers);
    this.report.stoppedAt = Date.now();
    return this.report;
  }

  private async work(): Promise<void> {
    while (this.isRunning) await this.placeOne();
  }

  private async placeOne(): Promise<void> {
    const idempotencyKey = randomUUID();
    const answer = await eventually(
      async () => {
        try {
          const response = await this.customer.placeOrder(this.productId, 1, 'tok_visa', {
            'Idempotency-Key': idempotencyKey,
          });
          if (response.status < 500) return response;
        } catch {
          // A connection the gateway dropped: as retry-safe as a 5xx.
        }
        this.report.serverErrors += 1;
        return undefined;
      },
      this.retryForMs,
      'an order to be accepted',
      // The client's pause between retries, not a wait for the test.
      100,
    ).catch(() => undefined);
    if (!answer) this.report.failedAfterRetries += 1;
    else if (answer.status !== 202) this.report.unexpected.push(answer.status);
    else {
      this.report.accepted.push(answer.body.id);
      // Whether it settled is checked by the suites; here it only paces the worker.
      await this.customer.finalOrder(answer.body.id, this.retryForMs).catch(() => undefined);
    }
  }
}
