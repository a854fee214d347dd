import {
  ExecutionContext,
  neverAbortedSignal,
  type PolicyContext,
  SignalContext,
} from './execution-context';
import { ComposablePolicy, type Operation, type Pipeline, type Policy, proceed } from './policy';

/**
 * Runs a call through several policies, the first one outermost.
 *
 * The recommended order, outermost first: an overall `timeout` (the caller's deadline) →
 * `retry` → `CircuitBreaker` → `bulkhead` → a per-attempt `timeout` → the call. The README
 * explains why.
 *
 * @example
 * ```ts
 * const policy = compose(timeout(10_000), retry({ maxAttempts: 3 }), breaker, bulkhead({ maxConcurrent: 20 }), timeout(2_000));
 * const order = await policy.execute(({ signal, attempt }) => orders.get(id, { signal, attempt }));
 * ```
 */
export function compose(...policies: Policy[]): Policy {
  const members: ComposablePolicy[] = [];
  for (const policy of policies) {
    if (policy instanceof ComposedPolicy) members.push(...policy.members);
    else if (policy instanceof ComposablePolicy) members.push(policy);
    else members.push(new ForeignPolicy(policy));
  }
  return new ComposedPolicy(members);
}

class ComposedPolicy extends ComposablePolicy {
  constructor(readonly members: Pipeline) {
    super();
  }

  // compose() flattens nested compositions, so a ComposedPolicy only ever runs at the top.
  run<T>(fn: Operation<T>, context: ExecutionContext): Promise<T> {
    return proceed(fn, context, this.members, 0);
  }
}

/** Lets any `Policy` (cockatiel's, one of your own) take part in a composition. */
class ForeignPolicy extends ComposablePolicy {
  constructor(private readonly inner: Policy) {
    super();
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
