import { type Disposable, isDisposable } from './events';
import {
  ExecutionContext,
  neverAbortedSignal,
  type PolicyContext,
  SignalContext,
} from './execution-context';
import {
  ComposablePolicy,
  type Operation,
  type Pipeline,
  type Policy,
  proceed,
  rejectLater,
} from './policy';
import { PolicyDisposedError } from './policy-disposed.error';

/**
 * Runs a call through several policies, the first one outermost.
 *
 * The recommended order, outermost first: an overall `timeout` (the caller's deadline) →
 * `retry` → `CircuitBreaker` → `bulkhead` → a per-attempt `timeout` → the call. The README
 * explains why.
 *
 * `dispose()` disposes every part that has a `dispose()` (timeouts, retries, bulkheads, foreign
 * policies that have one), then rejects later calls with a `PolicyDisposedError`. Circuit
 * breakers have none: they hold no timer, and they are usually shared through a registry. A
 * part shared with another composition is disposed for that one too: compose it anew instead.
 *
 * @example
 * ```ts
 * const policy = compose(timeout(10_000), retry({ maxAttempts: 3 }), breaker, bulkhead({ maxConcurrent: 20 }), timeout(2_000));
 * const order = await policy.execute(({ signal, attempt }) => orders.get(id, { signal, attempt }));
 * ```
 */
export function compose(...policies: Policy[]): Policy & Disposable {
  const members: ComposablePolicy[] = [];
  for (const policy of policies) {
    if (policy instanceof ComposedPolicy) members.push(...policy.members);
    else if (policy instanceof ComposablePolicy) members.push(policy);
    else members.push(new ForeignPolicy(policy));
  }
  return new ComposedPolicy(members);
}

class ComposedPolicy extends ComposablePolicy implements Disposable {
  private isDisposed = false;

  constructor(readonly members: Pipeline) {
    super();
  }

  // compose() flattens nested compositions, so a ComposedPolicy only ever runs at the top.
  run<T>(fn: Operation<T>, context: ExecutionContext): Promise<T> {
    if (this.isDisposed) return rejectLater(new PolicyDisposedError('composed policy'));
    return proceed(fn, context, this.members, 0);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const member of this.members) if (isDisposable(member)) member.dispose();
  }
}

/** Lets any `Policy` (cockatiel's, one of your own) take part in a composition. */
class ForeignPolicy extends ComposablePolicy implements Disposable {
  constructor(private readonly inner: Policy) {
    super();
  }

  dispose(): void {
    if (isDisposable(this.inner)) this.inner.dispose();
  }

  run<T>(
    fn: Operation<T>,
    context: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T> {
    return this.inner.execute(
      (inner: Partial<PolicyContext> | undefined) =>
        proceed(
          fn,
          new SignalContext(inner?.signal ?? neverAbortedSignal, inner?.attempt ?? context.attempt),
          pipeline,
          index,
        ),
      context.canAbort ? context.signal : undefined,
    );
  }
}
