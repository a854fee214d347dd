import { contextFor, ExecutionContext, type PolicyContext } from './execution-context';

/** The work a policy runs. It receives the signal to honour and, under retry, the attempt. */
export type Operation<T> = (context: PolicyContext) => PromiseLike<T> | T;

/**
 * A resilience policy: a value that runs functions. Policies compose with {@link compose}.
 *
 * @example
 * ```ts
 * const user = await policy.execute(({ signal }) => fetchUser(id, { signal }), request.signal);
 * ```
 */
export interface Policy {
  execute<T>(fn: Operation<T>, signal?: AbortSignal): Promise<T>;
}

/** @internal The policies of a composed pipeline; a single policy runs with an empty one. */
export type Pipeline = readonly ComposablePolicy[];

const emptyPipeline: Pipeline = [];

/**
 * @internal
 * Base of our own policies. Composition passes the pipeline and an index down instead of
 * wrapping the function in a closure per layer, so a composed call allocates no closures for
 * the composition itself.
 */
export abstract class ComposablePolicy implements Policy {
  execute<T>(fn: Operation<T>, signal?: AbortSignal): Promise<T> {
    return this.run(fn, contextFor(signal), emptyPipeline, 0);
  }

  /** Runs `fn` through this policy and then `pipeline[index..]`. */
  abstract run<T>(
    fn: Operation<T>,
    context: ExecutionContext,
    pipeline: Pipeline,
    index: number,
  ): Promise<T>;
}

/** @internal Hands the call to the next policy of the pipeline, or finally to `fn`. */
export function proceed<T>(
  fn: Operation<T>,
  context: ExecutionContext,
  pipeline: Pipeline,
  index: number,
): Promise<T> {
  if (index < pipeline.length) return pipeline[index].run(fn, context, pipeline, index + 1);
  try {
    return Promise.resolve(fn(context));
  } catch (error) {
    return rejectLater(error);
  }
}

const rethrow = (error: unknown): never => {
  throw error;
};

/**
 * @internal
 * A promise that rejects one microtask later. `Promise.reject` rejects before the caller can
 * attach a handler, which sends Node through its unhandled-rejection bookkeeping (about a
 * microsecond each time); rejecting after the caller awaited skips it.
 */
export function rejectLater<T>(error: unknown): Promise<T> {
  return Promise.resolve(error).then(rethrow);
}

/**
 * @internal
 * Runs `fn` under `policy` in an existing context, keeping our lazy signals lazy; a foreign
 * policy gets the context's real signal.
 */
export function runInContext<T>(
  policy: Policy,
  fn: Operation<T>,
  context: ExecutionContext,
): Promise<T> {
  if (policy instanceof ComposablePolicy) return policy.run(fn, context, emptyPipeline, 0);
  return policy.execute(fn, context.canAbort ? context.signal : undefined);
}
