import type { ClientProxy } from '@nestjs/microservices';
import type { Observable, Subscription } from 'rxjs';
import type { CircuitBreaker, CircuitBreakerSnapshot } from '../breaker/circuit-breaker';
import {
  CircuitBreakerRegistry,
  type CircuitBreakerOverrides,
} from '../breaker/circuit-breaker.registry';
import { bulkhead, type BulkheadOptions, type BulkheadPolicy } from '../bulkhead/bulkhead';
import { type Clock, systemClock } from '../clock/clock';
import { type Random, systemRandom } from '../clock/random';
import { compose } from '../policy/compose';
import { type Disposable } from '../policy/events';
import {
  type AbortListener,
  abortErrorFrom,
  contextFor,
  listenForAbort,
  type PolicyContext,
} from '../policy/execution-context';
import { type Policy, rejectLater, runInContext } from '../policy/policy';
import { PolicyDisposedError } from '../policy/policy-disposed.error';
import { positive } from '../policy/validate-options';
import { exponential } from '../retry/backoff';
import { retry, type RetryOptions, type RetryPolicy } from '../retry/retry';
import { timeout } from '../timeout/timeout';
import {
  countsAsDownstreamFailure,
  isTransientRpcError,
  wasNeverDelivered,
} from './rpc-error.predicates';

/** The part of a `ClientProxy` the resilient client uses (so a test double needs only this). */
export type MessageClient = Pick<ClientProxy, 'send' | 'emit'>;

/** Retry settings of a client; which errors to retry comes from its predicates. */
export type ResilientClientRetryOptions = Omit<
  RetryOptions,
  'isTransient' | 'deadlineMs' | 'clock' | 'random'
>;

export interface ResilientClientOptions {
  /**
   * The downstream service. Its breaker is `registry.get(serviceName)`, shared by every client
   * of that service in the process.
   */
  readonly serviceName: string;
  /** Where the breaker comes from. Default: a registry of this client's own. */
  readonly registry?: CircuitBreakerRegistry;
  /** Overrides for this service's breaker when the registry creates it. */
  readonly breaker?: CircuitBreakerOverrides;
  /** Per-attempt timeout. Default `5_000`. */
  readonly timeoutMs?: number;
  /**
   * Deadline of a whole call, retries included: no attempt starts after it and the call
   * rejects with a `TimeoutError` when it passes. Default: none (attempts × timeoutMs bound it).
   */
  readonly deadlineMs?: number;
  /** Default `{ maxAttempts: 3, backoff: exponential({ initialDelayMs: 100, maxDelayMs: 2_000 }) }`. */
  readonly retry?: ResilientClientRetryOptions;
  /** Errors worth another attempt. Default: `TimeoutError`s and connection errors. */
  readonly isTransient?: (error: unknown) => boolean;
  /**
   * Errors that prove the message never reached the broker; only those are retried for calls
   * that are not idempotent. Default: refused or missing connections, bulkhead rejections.
   */
  readonly wasNeverDelivered?: (error: unknown) => boolean;
  /**
   * Errors that count against the downstream in its breaker. Default: everything but a 4xx RPC
   * error (except 408 and 429). Used when the registry creates the breaker.
   */
  readonly countsAsFailure?: (error: unknown) => boolean;
  /** Limits concurrent calls to the service. Default: no limit. */
  readonly bulkhead?: BulkheadOptions;
  readonly clock?: Clock;
  readonly random?: Random;
}

export interface ResilientCallOptions {
  /** Per-attempt timeout of this call. Default: the client's `timeoutMs`. */
  readonly timeoutMs?: number;
  /**
   * True when the handler may safely receive the message twice (it dedupes on an idempotency
   * key). Only then are delivered-but-unanswered calls (timeouts) retried. Default `false`.
   */
  readonly idempotent?: boolean;
  /** Cancels the call (and any retry waiting in backoff). */
  readonly signal?: AbortSignal;
}

const defaultRetry: ResilientClientRetryOptions = {
  maxAttempts: 3,
  backoff: exponential({ initialDelayMs: 100, maxDelayMs: 2_000 }),
};

/**
 * A `ClientProxy` that fails fast and recovers: every call goes through a per-attempt timeout,
 * the downstream's circuit breaker (an open breaker rejects at once with a
 * `BrokenCircuitError` carrying `retryAfterMs`) and a retry that only repeats what is safe to
 * repeat. RPC errors of the remote handler are passed through as they arrive.
 *
 * `dispose()` releases its timeouts, retries and bulkhead (see {@link ResilientClient.dispose}).
 *
 * @example
 * ```ts
 * const payments = new ResilientClient(paymentsProxy, { serviceName: 'payments', registry, timeoutMs: 2_000 });
 * const result = await payments.send<AuthorizeResult, AuthorizePaymentCommand>(
 *   PaymentsPatterns.authorize,
 *   command,
 *   { idempotent: true },
 * );
 * await payments.emit(OrderEvents.confirmed, event);
 * ```
 */
export class ResilientClient implements Disposable {
  readonly serviceName: string;
  readonly breaker: CircuitBreaker;

  private readonly timeoutMs: number;
  private readonly deadlineMs: number | undefined;
  private readonly clock: Clock;
  private readonly idempotentRetry: RetryPolicy;
  private readonly deliveryRetry: RetryPolicy;
  private readonly limit: BulkheadPolicy | undefined;
  private readonly pipelines = new Map<string, Policy & Disposable>();
  private isDisposed = false;

  constructor(
    private readonly client: MessageClient,
    options: ResilientClientOptions,
  ) {
    this.serviceName = options.serviceName;
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? 5_000);
    this.deadlineMs =
      options.deadlineMs === undefined ? undefined : positive('deadlineMs', options.deadlineMs);
    const registry = options.registry ?? new CircuitBreakerRegistry({ clock: this.clock });
    this.breaker = registry.get(options.serviceName, {
      countsAsFailure: options.countsAsFailure ?? countsAsDownstreamFailure,
      ...options.breaker,
    });
    const isTransient = options.isTransient ?? isTransientRpcError;
    const neverDelivered = options.wasNeverDelivered ?? wasNeverDelivered;
    const retryOptions: RetryOptions = {
      ...defaultRetry,
      ...options.retry,
      deadlineMs: this.deadlineMs,
      clock: this.clock,
      random: options.random ?? systemRandom,
    };
    this.idempotentRetry = retry({ ...retryOptions, isTransient });
    this.deliveryRetry = retry({
      ...retryOptions,
      isTransient: (error) => isTransient(error) && neverDelivered(error),
    });
    this.limit = options.bulkhead ? bulkhead(options.bulkhead) : undefined;
  }

  /**
   * Sends a request and resolves with the last value of the reply (`undefined` for a handler
   * that returns nothing).
   */
  send<TResult, TInput = unknown>(
    pattern: unknown,
    data: TInput,
    options: ResilientCallOptions = {},
  ): Promise<TResult> {
    if (this.isDisposed) return rejectLater(new PolicyDisposedError('resilient client'));
    return runInContext(
      this.pipeline(options),
      (context) =>
        lastValue<TResult>(() => this.client.send<TResult, TInput>(pattern, data), context),
      contextFor(options.signal),
    );
  }

  /** Publishes an event and resolves once the transport accepted it. */
  async emit<TInput = unknown>(
    pattern: unknown,
    data: TInput,
    options: ResilientCallOptions = {},
  ): Promise<void> {
    if (this.isDisposed) throw new PolicyDisposedError('resilient client');
    await runInContext(
      this.pipeline(options),
      (context) =>
        lastValue<unknown>(() => this.client.emit<unknown, TInput>(pattern, data), context),
      contextFor(options.signal),
    );
  }

  /** The breaker's state, for health checks. */
  snapshot(): CircuitBreakerSnapshot {
    return this.breaker.snapshot();
  }

  /**
   * Releases what the client holds: the timers of its timeouts and retries and the queue of its
   * bulkhead. Calls in flight reject with a `PolicyDisposedError` (or, if their attempt is
   * running and no timeout holds them, settle with its outcome), and so do later calls. The
   * breaker belongs to the registry and is left as it is. Calling it again does nothing.
   *
   * @example
   * ```ts
   * const payments = new ResilientClient(paymentsProxy, { serviceName: 'payments', registry });
   * onShutdown(() => payments.dispose());
   * ```
   */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const pipeline of this.pipelines.values()) pipeline.dispose();
    this.idempotentRetry.dispose();
    this.deliveryRetry.dispose();
    this.limit?.dispose();
  }

  private pipeline({
    timeoutMs = this.timeoutMs,
    idempotent = false,
  }: ResilientCallOptions): Policy & Disposable {
    const key = `${timeoutMs}:${idempotent}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const policies: Policy[] = [];
      if (this.deadlineMs !== undefined)
        policies.push(timeout(this.deadlineMs, { clock: this.clock }));
      policies.push(idempotent ? this.idempotentRetry : this.deliveryRetry, this.breaker);
      if (this.limit) policies.push(this.limit);
      policies.push(timeout(positive('timeoutMs', timeoutMs), { clock: this.clock }));
      pipeline = compose(...policies);
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }
}

/**
 * `lastValueFrom` that unsubscribes (which makes Nest drop the pending reply) when the call's
 * context aborts, and resolves `undefined` for an observable that completes empty.
 */
function lastValue<T>(subscribe: () => Observable<T>, context: PolicyContext): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    new PendingReply(resolve, reject).listen(subscribe(), context),
  );
}

class PendingReply<T> implements AbortListener {
  private last: T | undefined;
  private isSettled = false;
  private subscription: Subscription | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  listen(reply: Observable<T>, context: PolicyContext): void {
    this.subscription = reply.subscribe({
      next: (value) => (this.last = value),
      error: (error: unknown) => {
        if (this.settle()) this.reject(error);
      },
      complete: () => {
        if (this.settle()) this.resolve(this.last as T);
      },
    });
    if (!this.isSettled) this.stopListening = listenForAbort(context, this);
  }

  onAbort(reason: unknown): void {
    if (!this.settle()) return;
    this.subscription?.unsubscribe();
    this.reject(abortErrorFrom(reason));
  }

  private settle(): boolean {
    if (this.isSettled) return false;
    this.isSettled = true;
    this.stopListening?.();
    return true;
  }
}
