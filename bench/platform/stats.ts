/** What one closed-loop (or paced) run measured. Latencies in milliseconds. */
export interface LoadResult {
  /** Completed operations inside the measured window (after warm-up). */
  count: number;
  /** Failed operations (non-2xx, error, timeout) inside the window. */
  errors: number;
  /** Seconds of the measured window. */
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** A few error descriptions, for the report's notes. */
  errorSamples: string[];
}

/** Nearest-rank percentile of ascending-sorted values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1];
}

/** A growable list of latencies, cheap enough to record every request of a run. */
export class LatencyRecorder {
  private values = new Float64Array(1 << 16);
  private size = 0;

  add(value: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size++] = value;
  }

  get length(): number {
    return this.size;
  }

  sorted(): Float64Array {
    return this.values.slice(0, this.size).sort();
  }
}

export function summarize(
  latencies: LatencyRecorder,
  errors: number,
  seconds: number,
  errorSamples: string[] = [],
): LoadResult {
  const sorted = latencies.sorted();
  return {
    count: sorted.length,
    errors,
    seconds,
    perSecond: sorted.length / seconds,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
    errorSamples,
  };
}

/**
 * The closed-loop generator: `concurrency` workers, each issuing its next operation as soon as
 * the previous one ended, for `warmupMs + durationMs`. Only operations that *end* inside the
 * measured window count, so the rate is what the system sustained during it.
 */
export async function closedLoop(
  {
    concurrency,
    warmupMs,
    durationMs,
  }: { concurrency: number; warmupMs: number; durationMs: number },
  operation: (worker: number, sequence: number) => Promise<void>,
): Promise<LoadResult> {
  const latencies = new LatencyRecorder();
  const errorSamples: string[] = [];
  let errors = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + warmupMs;
  const stopAt = measureFrom + durationMs;
  let sequence = 0;
  const worker = async (index: number): Promise<void> => {
    while (performance.now() < stopAt) {
      const begin = performance.now();
      let failure: unknown;
      try {
        await operation(index, sequence++);
      } catch (error) {
        failure = error;
      }
      const end = performance.now();
      if (end < measureFrom || end > stopAt) continue;
      if (failure === undefined) latencies.add(end - begin);
      else {
        errors += 1;
        if (errorSamples.length < 3)
          errorSamples.push(failure instanceof Error ? failure.message : String(failure));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  return summarize(latencies, errors, durationMs / 1000, errorSamples);
}
