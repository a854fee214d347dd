/**
 * A timer handle returned by {@link Clock.setTimeout}.
 *
 * `ref`/`unref` let long-lived internal timers (the timeout policy keeps one armed per policy)
 * stop holding the process open while nothing is waiting on them.
 */
export interface ClockTimer {
  ref(): unknown;
  unref(): unknown;
}

/**
 * The time port. Every policy reads time and schedules timers only through a `Clock`, so tests
 * inject a {@link FakeClock} instead of sleeping.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ clock: new FakeClock() });
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/**
 * The real clock. It looks the globals up on every call (instead of capturing them at import) so
 * Jest's modern fake timers also work against it.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};
