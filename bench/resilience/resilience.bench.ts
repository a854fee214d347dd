/*
 * Per-call overhead of @shop/resilience against opossum and cockatiel, in one process.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/resilience/resilience.bench.ts
 *
 * Every case runs the same loop (`await` one call, inside try/catch) around the same bare
 * `async () => 1`. Cases run round-robin after a warm-up, so a noisy neighbour hurts all of
 * them alike; the table shows the median of the rounds. Overhead is the median minus the bare
 * call's median; the ratio is the median over the bare call's.
 *
 * Options (env): BENCH_CALLS (calls per round, default 200000), BENCH_ROUNDS (default 9).
 */
import { cpus } from 'node:os';
import {
  CircuitBreaker,
  compose,
  exponential,
  retry,
  timeout,
  type Policy,
} from '@shop/resilience';
import {
  circuitBreaker as cockatielBreaker,
  ConsecutiveBreaker,
  CountBreaker,
  ExponentialBackoff,
  handleAll,
  retry as cockatielRetry,
  timeout as cockatielTimeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import Opossum from 'opossum';

const callsPerRound = Number(process.env.BENCH_CALLS ?? 200_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
const warmUpCalls = 200_000;
const hourMs = 3_600_000;

const bare = async (): Promise<number> => 1;
const failing = async (): Promise<number> => {
  throw new Error('down');
};
// The floor of any fast-fail: an error that already exists, handed back as a rejected promise.
const cachedError = new Error('cached');
const rethrow = (error: unknown): never => {
  throw error;
};

interface BenchCase {
  readonly name: string;
  readonly library: 'bare' | 'ours' | 'opossum' | 'cockatiel';
  readonly kind: 'bare' | 'closed breaker' | 'pipeline' | 'open fast-fail' | 'extra';
  readonly call: () => Promise<unknown>;
  readonly expectsRejection?: boolean;
}

async function openOurs(breaker: CircuitBreaker): Promise<CircuitBreaker> {
  await breaker.execute(failing).catch(() => undefined);
  if (breaker.state !== 'OPEN') throw new Error('our breaker did not open');
  return breaker;
}

async function buildCases(): Promise<{ cases: BenchCase[]; dispose: () => void }> {
  const ours = new CircuitBreaker();
  const oursTimeWindow = new CircuitBreaker({
    slidingWindow: { type: 'time', sizeMs: 10_000 },
    slowCallDurationMs: 1_000,
  });
  const ourPipeline: Policy = compose(
    retry({ maxAttempts: 3, backoff: exponential() }),
    new CircuitBreaker(),
    timeout(1_000),
  );
  const oursOpen = await openOurs(
    new CircuitBreaker({ minimumNumberOfCalls: 1, openDurationMs: hourMs }),
  );

  const opossumClosed = new Opossum(bare, { timeout: false });
  const opossumTimeout = new Opossum(bare, { timeout: 1_000 });
  const opossumOpen = new Opossum(bare, { timeout: false });
  opossumOpen.open();

  const cockatielClosed = cockatielBreaker(handleAll, {
    halfOpenAfter: hourMs,
    breaker: new CountBreaker({ threshold: 0.5, size: 100, minimumNumberOfCalls: 10 }),
  });
  const cockatielPipeline = wrap(
    cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
    cockatielBreaker(handleAll, {
      halfOpenAfter: hourMs,
      breaker: new CountBreaker({ threshold: 0.5, size: 100, minimumNumberOfCalls: 10 }),
    }),
    cockatielTimeout(1_000, TimeoutStrategy.Aggressive),
  );
  const cockatielOpen = cockatielBreaker(handleAll, {
    halfOpenAfter: hourMs,
    breaker: new ConsecutiveBreaker(1),
  });
  await cockatielOpen.execute(failing).catch(() => undefined);

  const cases: BenchCase[] = [
    { name: 'bare async () => 1', library: 'bare', kind: 'bare', call: bare },
    {
      name: 'ours: closed breaker',
      library: 'ours',
      kind: 'closed breaker',
      call: () => ours.execute(bare),
    },
    {
      name: 'opossum: closed breaker',
      library: 'opossum',
      kind: 'closed breaker',
      call: () => opossumClosed.fire(),
    },
    {
      name: 'cockatiel: circuitBreaker',
      library: 'cockatiel',
      kind: 'closed breaker',
      call: () => cockatielClosed.execute(bare),
    },
    {
      name: 'ours: retry + breaker + timeout',
      library: 'ours',
      kind: 'pipeline',
      call: () => ourPipeline.execute(bare),
    },
    {
      name: 'opossum: breaker with timeout',
      library: 'opossum',
      kind: 'pipeline',
      call: () => opossumTimeout.fire(),
    },
    {
      name: 'cockatiel: wrap(retry, breaker, timeout)',
      library: 'cockatiel',
      kind: 'pipeline',
      call: () => cockatielPipeline.execute(bare),
    },
    {
      name: 'ours: open breaker fast-fail',
      library: 'ours',
      kind: 'open fast-fail',
      call: () => oursOpen.execute(bare),
      expectsRejection: true,
    },
    {
      name: 'opossum: open breaker fast-fail',
      library: 'opossum',
      kind: 'open fast-fail',
      call: () => opossumOpen.fire(),
      expectsRejection: true,
    },
    {
      name: 'cockatiel: open breaker fast-fail',
      library: 'cockatiel',
      kind: 'open fast-fail',
      call: () => cockatielOpen.execute(bare),
      expectsRejection: true,
    },
    {
      name: 'reference: reject a cached error (fast-fail floor)',
      library: 'bare',
      kind: 'extra',
      call: () => Promise.resolve(cachedError).then(rethrow),
      expectsRejection: true,
    },
    {
      name: 'ours: breaker, time window + slow calls',
      library: 'ours',
      kind: 'extra',
      call: () => oursTimeWindow.execute(bare),
    },
  ];
  const dispose = (): void => {
    for (const breaker of [opossumClosed, opossumTimeout, opossumOpen]) breaker.shutdown();
  };
  return { cases, dispose };
}

/** One round of `calls` calls; returns ns per call. Rejections are swallowed like results. */
async function measure(benchCase: BenchCase, calls: number): Promise<number> {
  const call = benchCase.call;
  let rejections = 0;
  const startedAt = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    try {
      await call();
    } catch {
      rejections++;
    }
  }
  const elapsedNs = Number(process.hrtime.bigint() - startedAt);
  const expected = benchCase.expectsRejection ? calls : 0;
  if (rejections !== expected)
    throw new Error(`${benchCase.name}: ${rejections} rejections, expected ${expected}`);
  return elapsedNs / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatNs(ns: number): string {
  return ns >= 1_000 ? `${(ns / 1_000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
}

async function main(): Promise<void> {
  const { cases, dispose } = await buildCases();
  for (const benchCase of cases) await measure(benchCase, warmUpCalls);

  const samples = new Map<BenchCase, number[]>(cases.map((benchCase) => [benchCase, []]));
  for (let round = 0; round < rounds; round++) {
    for (const benchCase of cases)
      samples.get(benchCase)!.push(await measure(benchCase, callsPerRound));
  }
  dispose();

  const bareNs = median(samples.get(cases[0])!);
  const cpu = cpus();
  console.log(
    `@shop/resilience bench, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${rounds} rounds × ${callsPerRound} calls, median\n`,
  );
  console.log('| case | per call | overhead vs bare | ratio vs bare |');
  console.log('|---|---:|---:|---:|');
  for (const benchCase of cases) {
    const ns = median(samples.get(benchCase)!);
    const overhead = benchCase.kind === 'bare' ? '—' : formatNs(ns - bareNs);
    console.log(
      `| ${benchCase.name} | ${formatNs(ns)} | ${overhead} | ${(ns / bareNs).toFixed(2)}× |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
