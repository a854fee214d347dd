import type { Random } from '../clock/random';
import { nonNegative, positive } from '../policy/validate-options';

/**
 * How long to wait before the next attempt. Pure: all state comes in through the arguments, so
 * one backoff serves any number of concurrent calls.
 */
export interface Backoff {
  /**
   * @param failedAttempt the 1-based attempt that just failed
   * @param previousDelayMs the delay waited before that attempt (0 before the first)
   */
  nextDelayMs(failedAttempt: number, previousDelayMs: number, random: Random): number;
}

/**
 * Jitter spreads the retries of many callers so they do not hit a recovering service together.
 * - `full`: uniform in [0, exponential delay] (AWS "full jitter"; the default).
 * - `decorrelated`: uniform in [initialDelayMs, previous delay × multiplier], capped.
 * - `none`: the exponential delay itself.
 */
export type Jitter = 'full' | 'decorrelated' | 'none';

export interface ExponentialBackoffOptions {
  /** Default `100`. */
  readonly initialDelayMs?: number;
  /** Growth per attempt. Default `2`. */
  readonly multiplier?: number;
  /** Cap of every delay. Default `30_000`. */
  readonly maxDelayMs?: number;
  /** Default `'full'`. */
  readonly jitter?: Jitter;
}

/**
 * Exponential backoff: `initialDelayMs × multiplier^(attempt - 1)`, capped at `maxDelayMs`,
 * with jitter.
 *
 * @example
 * ```ts
 * retry({ maxAttempts: 5, backoff: exponential({ initialDelayMs: 50, maxDelayMs: 2_000 }) });
 * ```
 */
export function exponential(options: ExponentialBackoffOptions = {}): Backoff {
  const initialDelayMs = nonNegative('initialDelayMs', options.initialDelayMs ?? 100);
  const multiplier = positive('multiplier', options.multiplier ?? 2);
  const maxDelayMs = nonNegative('maxDelayMs', options.maxDelayMs ?? 30_000);
  const jitter = options.jitter ?? 'full';
  if (multiplier < 1) throw new RangeError(`multiplier must be >= 1, got ${multiplier}`);

  const exponentialDelayMs = (failedAttempt: number): number =>
    Math.min(maxDelayMs, initialDelayMs * multiplier ** (failedAttempt - 1));

  switch (jitter) {
    case 'none':
      return { nextDelayMs: (failedAttempt) => exponentialDelayMs(failedAttempt) };
    case 'full':
      return {
        nextDelayMs: (failedAttempt, _previous, random) =>
          random.next() * exponentialDelayMs(failedAttempt),
      };
    case 'decorrelated':
      return {
        nextDelayMs(_failedAttempt, previousDelayMs, random): number {
          const lowerMs = Math.min(initialDelayMs, maxDelayMs);
          const upperMs = Math.min(
            maxDelayMs,
            Math.max(initialDelayMs, previousDelayMs) * multiplier,
          );
          return lowerMs + random.next() * (upperMs - lowerMs);
        },
      };
    default:
      throw new RangeError(
        `jitter must be 'full', 'decorrelated' or 'none', got ${String(jitter)}`,
      );
  }
}

/**
 * The same delay before every retry.
 *
 * @example
 * ```ts
 * retry({ maxAttempts: 3, backoff: constant(250) });
 * ```
 */
export function constant(delayMs: number): Backoff {
  nonNegative('delayMs', delayMs);
  return { nextDelayMs: () => delayMs };
}
