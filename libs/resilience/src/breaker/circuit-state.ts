/**
 * The states of a circuit breaker.
 *
 * - `CLOSED`: calls run; outcomes are recorded in the sliding window.
 * - `OPEN`: calls fail at once with a `BrokenCircuitError` until `openDurationMs` has passed.
 * - `HALF_OPEN`: `halfOpenTrialCalls` trial calls run; everyone else is rejected at once.
 * - `ISOLATED`: held open by hand with `isolate()` until released.
 */
export const CircuitState = {
  Closed: 'CLOSED',
  Open: 'OPEN',
  HalfOpen: 'HALF_OPEN',
  Isolated: 'ISOLATED',
} as const;

export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];
