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
 * timeout policy. The timer is unreferenced while the queue is empty, so an idle policy never
 * keeps the process alive.
 */
export class DeadlineQueue<E extends DeadlineEntry> {
  private head: E | undefined;
  private tail: E | undefined;
  private timer: ClockTimer | undefined;
  private isTimerReferenced = false;

  constructor(
    private readonly clock: Clock,
    private readonly onExpired: (entry: E) => void,
  ) {}

  push(entry: E, deadlineMs: number): void {
    entry.deadlineMs = deadlineMs;
    entry.isQueued = true;
    entry.previousEntry = this.tail;
    entry.nextEntry = undefined;
    if (this.tail) this.tail.nextEntry = entry;
    else this.head = entry;
    this.tail = entry;
    if (!this.timer) this.arm(deadlineMs - this.clock.now());
    else if (!this.isTimerReferenced) {
      this.timer.ref();
      this.isTimerReferenced = true;
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
    if (!this.head && this.timer && this.isTimerReferenced) {
      this.timer.unref();
      this.isTimerReferenced = false;
    }
  }

  private arm(delayMs: number): void {
    this.timer = this.clock.setTimeout(this.fire, Math.max(0, delayMs));
    this.isTimerReferenced = true;
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
