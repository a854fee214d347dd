import { brand, hasBrand } from '../policy/error-brand';
import type { CircuitState } from './circuit-state';

/** The states in which a breaker rejects calls. */
export type RejectingCircuitState = Exclude<CircuitState, 'CLOSED'>;

/**
 * Thrown, without running the call, when a circuit breaker is open, isolated, or half-open with
 * all its trial calls taken. A retry policy never retries it.
 *
 * `retryAfterMs` is when trying again makes sense: the time left until the breaker half-opens,
 * or `openDurationMs` while half-open or isolated (a hint, as nobody knows when a trial ends).
 * A gateway answers `503` with `Retry-After: ceil(retryAfterMs / 1000)`.
 *
 * Rejections are the hot path of an outage, so the breaker builds them without capturing a
 * stack trace (which would cost microseconds and point into the breaker, not at the caller).
 *
 * @example
 * ```ts
 * try {
 *   await breaker.execute(() => payments.authorize(command));
 * } catch (error) {
 *   if (isBrokenCircuitError(error)) reply.status(503).header('Retry-After', Math.ceil(error.retryAfterMs / 1000));
 *   else throw error;
 * }
 * ```
 */
export class BrokenCircuitError extends Error {
  declare readonly breakerName: string;
  declare readonly state: RejectingCircuitState;
  declare readonly retryAfterMs: number;

  constructor(breakerName: string, state: RejectingCircuitState, retryAfterMs: number) {
    super(describe(breakerName, state, retryAfterMs));
    assignFields(this, breakerName, state, retryAfterMs);
  }

  /** @internal The breaker's rejection: same class and fields, no stack capture. */
  static withoutStack(
    breakerName: string,
    state: RejectingCircuitState,
    retryAfterMs: number,
  ): BrokenCircuitError {
    const error = Object.create(BrokenCircuitError.prototype) as BrokenCircuitError;
    assignFields(error, breakerName, state, retryAfterMs);
    return error;
  }
}

function describe(breakerName: string, state: RejectingCircuitState, retryAfterMs: number): string {
  return `Circuit breaker "${breakerName}" is ${state}; retry after ${retryAfterMs} ms`;
}

function assignFields(
  error: BrokenCircuitError,
  breakerName: string,
  state: RejectingCircuitState,
  retryAfterMs: number,
): void {
  const writable = error as { -readonly [K in keyof BrokenCircuitError]: BrokenCircuitError[K] };
  writable.breakerName = breakerName;
  writable.state = state;
  writable.retryAfterMs = retryAfterMs;
}

// Loggers and frameworks sometimes assign `message` or `stack`; that must keep working.
function defineOwn(key: 'message' | 'stack') {
  return function (this: BrokenCircuitError, value: unknown): void {
    Object.defineProperty(this, key, { value, writable: true, configurable: true });
  };
}

Object.defineProperties(BrokenCircuitError.prototype, {
  name: { value: 'BrokenCircuitError', writable: true, configurable: true },
  // Instances built without a stack compute message and stack on first read; constructed ones
  // carry their own properties, which shadow these.
  message: {
    get(this: BrokenCircuitError): string {
      return describe(this.breakerName, this.state, this.retryAfterMs);
    },
    set: defineOwn('message'),
    configurable: true,
  },
  stack: {
    get(this: BrokenCircuitError): string {
      return `${this.name}: ${this.message}\n    (rejected by the circuit breaker; no stack captured)`;
    },
    set: defineOwn('stack'),
    configurable: true,
  },
});

const brokenCircuitBrand = brand(BrokenCircuitError.prototype, 'BrokenCircuitError');

/** True when `error` is a {@link BrokenCircuitError}. */
export function isBrokenCircuitError(error: unknown): error is BrokenCircuitError {
  return hasBrand(error, brokenCircuitBrand);
}

// Adapters wrap errors once or twice (a service client, a domain error); a cycle must not hang us.
const MAX_CAUSE_DEPTH = 8;

/**
 * The open breaker's rejection behind `error`: the error itself, or the first
 * {@link BrokenCircuitError} in its `cause` chain. An adapter that turns the rejection into its
 * own error type keeps it as `cause`, and every retry in this library then still refuses to
 * call into the open circuit (or, in a saga's forward steps and compensations, waits
 * `retryAfterMs` before the next attempt).
 *
 * @example
 * ```ts
 * const wrapped = new ServiceUnavailableError('payments is unavailable', { cause: rejection });
 * brokenCircuitBehind(wrapped)?.retryAfterMs; // the breaker's hint, through the wrapper
 * ```
 */
export function brokenCircuitBehind(error: unknown): BrokenCircuitError | undefined {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    if (isBrokenCircuitError(current)) return current;
    if (typeof current !== 'object' || current === null || !('cause' in current)) return undefined;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
