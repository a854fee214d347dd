/**
 * The randomness port. Backoff jitter draws only from a `Random`, so tests seed it.
 *
 * @example
 * ```ts
 * const policy = retry({ backoff: exponential(), random: seededRandom(42) });
 * ```
 */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
}

/** `Math.random`, for production. */
export const systemRandom: Random = { next: () => Math.random() };

/**
 * A small, fast, seeded generator (mulberry32) so tests and property tests are reproducible.
 *
 * @example
 * ```ts
 * const random = seededRandom(7);
 * random.next(); // always the same first value for seed 7
 * ```
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    },
  };
}
