import type { Clock, ClockTimer } from '../clock/clock';

/** @internal A member of a {@link DeadlineQueue}. */
export interface DeadlineEntry {
  deadlineMs: number;
  previousEntry: DeadlineEntry | undefined;
  nextEntry: DeadlineEntry | undefined;
  isQueued: boolean;
}

/**
 * @internal
 * The pending deadlines of one timeout policy. Every entry gets the same duration, so entries
 * arrive in deadline order and a linked list stays sorted; one clock timer serves the whole
 * queue. A timer per call (set and cleared every time) would cost more than all the rest of the
 * timeout policy.
 *
 * The timer exists only while entries are queued: it is cleared when the last one leaves, so an
 * idle policy holds no timer at all. Arming it is deferred to the next tick: no timer can fire
 * before the current run of microtasks ends, so a call that settles within it (a cache hit, a
 * fast-failing downstream) never costs a timer, and a burst of such calls costs one check.
 */
export class DeadlineQueue<E extends DeadlineEntry> {
  private head: E | undefined;
  private tail: E | undefined;
  private timer: ClockTimer | undefined;
  private isArmingScheduled = false;

  constructor(
    private readonly clock: Clock,
    private readonly onExpired: (entry: E) => void,
  ) {}

  /** The entry with the earliest deadline. */
  get first(): E | undefined {
    return this.head;
  }

  push(entry: E, deadlineMs: number): void {
    entry.deadlineMs = deadlineMs;
    entry.isQueued = true;
    entry.previousEntry = this.tail;
    entry.nextEntry = undefined;
    if (this.tail) this.tail.nextEntry = entry;
    else this.head = entry;
    this.tail = entry;
    if (this.timer === undefined && !this.isArmingScheduled) {
      this.isArmingScheduled = true;
      process.nextTick(this.armIfQueued);
    }
  }

  remove(entry: E): void {
    if (!entry.isQueued) return;
    entry.isQueued = false;
    const { previousEntry, nextEntry } = entry;
    if (previousEntry) previousEntry.nextEntry = nextEntry;
    else this.head = nextEntry as E | undefined;
    if (nextEntry) nextEntry.previousEntry = previousEntry;
    else this.tail = previousEntry as E | undefined;
    entry.previousEntry = entry.nextEntry = undefined;
    if (!this.head && this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private readonly armIfQueued = (): void => {
    this.isArmingScheduled = false;
    if (this.head && this.timer === undefined) this.arm(this.head.deadlineMs - this.clock.now());
  };

  private arm(delayMs: number): void {
    this.timer = this.clock.setTimeout(this.fire, Math.max(0, delayMs));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const nowMs = this.clock.now();
    for (let entry = this.head; entry && entry.deadlineMs <= nowMs; entry = this.head) {
      this.remove(entry);
      this.onExpired(entry);
    }
    if (this.head) this.arm(this.head.deadlineMs - nowMs);
  };
}
