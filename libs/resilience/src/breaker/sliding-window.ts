import { positive, positiveInteger } from '../policy/validate-options';

/** @internal Bits of a recorded outcome: every call has `successBit` or `failureBit`, maybe `slowBit`. */
export const successBit = 1;
export const failureBit = 2;
export const slowBit = 4;

/** Which calls the failure and slow-call rates are computed over. */
export type SlidingWindowOptions =
  | {
      /** The last `size` calls. */
      readonly type: 'count';
      readonly size: number;
    }
  | {
      /** The calls of the last `sizeMs`, kept in `bucketCount` buckets (default 10). */
      readonly type: 'time';
      readonly sizeMs: number;
      readonly bucketCount?: number;
    };

/** @internal Running totals of a window; read right after `record` or `refresh`. */
export interface SlidingWindow {
  calls: number;
  failures: number;
  slowCalls: number;
  /** True when recording needs the current time (so the breaker reads the clock only then). */
  readonly needsTime: boolean;
  record(outcome: number, nowMs: number): void;
  /** Drops calls that fell out of the window by `nowMs`. */
  refresh(nowMs: number): void;
  reset(): void;
}

/** @internal */
export function createSlidingWindow(options: SlidingWindowOptions): SlidingWindow {
  return options.type === 'count'
    ? new CountSlidingWindow(options.size)
    : new TimeSlidingWindow(options.sizeMs, options.bucketCount ?? 10);
}

/** A ring of the last N outcomes, one byte each. */
class CountSlidingWindow implements SlidingWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  readonly needsTime = false;
  private readonly ring: Uint8Array;
  private position = 0;

  constructor(size: number) {
    this.ring = new Uint8Array(positiveInteger('slidingWindow.size', size));
  }

  record(outcome: number): void {
    const ring = this.ring;
    const position = this.position;
    const evicted = ring[position];
    if (evicted !== 0) this.count(evicted, -1);
    ring[position] = outcome;
    this.count(outcome, 1);
    this.position = position + 1 === ring.length ? 0 : position + 1;
  }

  refresh(): void {
    // Count-based windows do not age.
  }

  reset(): void {
    this.ring.fill(0);
    this.position = 0;
    this.calls = this.failures = this.slowCalls = 0;
  }

  private count(outcome: number, delta: number): void {
    this.calls += delta;
    if (outcome & failureBit) this.failures += delta;
    if (outcome & slowBit) this.slowCalls += delta;
  }
}

/**
 * A ring of time buckets. Bucket `i` holds the calls of epoch `e` (= floor(now / bucketMs)) with
 * `e % bucketCount === i`; moving to a new epoch clears the buckets skipped over, so totals only
 * ever cover the last `bucketCount` epochs.
 */
class TimeSlidingWindow implements SlidingWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  readonly needsTime = true;
  private readonly bucketMs: number;
  private readonly bucketCalls: Uint32Array;
  private readonly bucketFailures: Uint32Array;
  private readonly bucketSlowCalls: Uint32Array;
  private headEpoch = Number.NEGATIVE_INFINITY;

  constructor(
    sizeMs: number,
    private readonly bucketCount: number,
  ) {
    positive('slidingWindow.sizeMs', sizeMs);
    positiveInteger('slidingWindow.bucketCount', bucketCount);
    this.bucketMs = sizeMs / bucketCount;
    this.bucketCalls = new Uint32Array(bucketCount);
    this.bucketFailures = new Uint32Array(bucketCount);
    this.bucketSlowCalls = new Uint32Array(bucketCount);
  }

  record(outcome: number, nowMs: number): void {
    this.refresh(nowMs);
    const index = this.bucketIndex(this.headEpoch);
    this.bucketCalls[index]++;
    this.calls++;
    if (outcome & failureBit) {
      this.bucketFailures[index]++;
      this.failures++;
    }
    if (outcome & slowBit) {
      this.bucketSlowCalls[index]++;
      this.slowCalls++;
    }
  }

  refresh(nowMs: number): void {
    const epoch = Math.floor(nowMs / this.bucketMs);
    // A clock that steps backwards keeps recording into the current bucket.
    if (epoch <= this.headEpoch) return;
    if (epoch - this.headEpoch >= this.bucketCount) {
      this.reset();
    } else {
      for (let skipped = this.headEpoch + 1; skipped <= epoch; skipped++) {
        this.clearBucket(this.bucketIndex(skipped));
      }
    }
    this.headEpoch = epoch;
  }

  reset(): void {
    this.bucketCalls.fill(0);
    this.bucketFailures.fill(0);
    this.bucketSlowCalls.fill(0);
    this.calls = this.failures = this.slowCalls = 0;
    this.headEpoch = Number.NEGATIVE_INFINITY;
  }

  private bucketIndex(epoch: number): number {
    const index = epoch % this.bucketCount;
    return index < 0 ? index + this.bucketCount : index;
  }

  private clearBucket(index: number): void {
    this.calls -= this.bucketCalls[index];
    this.failures -= this.bucketFailures[index];
    this.slowCalls -= this.bucketSlowCalls[index];
    this.bucketCalls[index] = 0;
    this.bucketFailures[index] = 0;
    this.bucketSlowCalls[index] = 0;
  }
}
