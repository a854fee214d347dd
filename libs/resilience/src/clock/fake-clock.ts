import type { Clock, ClockTimer } from './clock';

interface FakeTimer extends ClockTimer {
  readonly id: number;
  readonly dueAtMs: number;
  readonly callback: () => void;
}

// Draining the microtask queue needs a macrotask that the fake clock does not own.
const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A deterministic {@link Clock} for tests: time moves only when you call `advanceBy`.
 *
 * Between firing timers it lets every pending promise settle, so async code driven by the clock
 * (retries sleeping in backoff, leases, timeouts) runs to its next wait exactly as it would in
 * real time, only instantly.
 *
 * @example
 * ```ts
 * const clock = new FakeClock(0);
 * const policy = timeout(1_000, { clock });
 * const pending = policy.execute(() => new Promise(() => undefined));
 * await clock.advanceBy(1_000); // pending now rejects with a TimeoutError
 * ```
 */
export class FakeClock implements Clock {
  private nowMs: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const timer: FakeTimer = {
      id: this.nextId++,
      dueAtMs: this.nowMs + Math.max(0, delayMs),
      callback,
      ref: () => timer,
      unref: () => timer,
    };
    this.timers.set(timer.id, timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers.delete((timer as FakeTimer).id);
  }

  /** How many timers are scheduled and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `durationMs`, firing due timers in order and letting promises settle
   * after each one.
   */
  async advanceBy(durationMs: number): Promise<void> {
    const targetMs = this.nowMs + durationMs;
    await flushMicrotasks();
    for (let timer = this.nextDue(targetMs); timer; timer = this.nextDue(targetMs)) {
      this.timers.delete(timer.id);
      this.nowMs = Math.max(this.nowMs, timer.dueAtMs);
      timer.callback();
      await flushMicrotasks();
    }
    this.nowMs = targetMs;
    await flushMicrotasks();
  }

  /** Lets pending promises settle without moving time. */
  async settle(): Promise<void> {
    await flushMicrotasks();
  }

  /** Sets the time without firing timers (to model a process that was frozen, for example). */
  jumpTo(nowMs: number): void {
    this.nowMs = nowMs;
  }

  private nextDue(targetMs: number): FakeTimer | undefined {
    let earliest: FakeTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.dueAtMs <= targetMs && (!earliest || timer.dueAtMs < earliest.dueAtMs)) {
        earliest = timer;
      }
    }
    return earliest;
  }
}
