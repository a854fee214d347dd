/*
 * What tracing costs: the read path (GET /api/products/:id) and the place-order saga (a closed
 * loop) of an isolated platform with tracing off, on with sampling 1.0, 0.1 and 0 (the
 * instrumentations' own cost, nothing exported), in one run. Each round starts, measures and
 * stops one platform per variant in turn (four at once would exhaust PostgreSQL's
 * connections), so drift on a shared machine hits all four alike. The traced platforms export to a Jaeger started by scripts/jaeger.sh on free ports.
 * See bench/README.md ("Tracing cost").
 *
 *   npm run bench:tracing                 # 2 rounds, 6 s per read case, 200 orders per saga case
 *   npm run bench:tracing -- --quick      # 1 round, 3 s, 60 orders
 *
 * Options: --rounds=<n>, --duration=<s>, --warmup=<s>, --concurrency=<n> (read path, default 16),
 * --orders=<n>, --saga-concurrency=<n> (default 16), --out=<file>
 * (default bench/platform/tracing-results.md).
 *
 * Every loop is bounded by a count or a duration; traffic goes to 127.0.0.1 only.
 */
import { ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { MongoClient } from 'mongodb';
import { JaegerServer } from '../../test/harness/jaeger-server';
import { ProcessPlatform } from '../../test/harness/process-platform';
import { ShopApi } from '../../test/harness/shop-api';
import { Classifier, CpuSnapshot, cpuBetween, snapshot } from './cpu-sampler';
import type { LoadJob, LoadMessage, LoadReply } from './load-generator';
import { SagaDriver, SagaResult } from './saga-driver';
import type { LoadResult } from './stats';

const admin = { email: 'admin@bench.local', password: 'admin password of the tracing bench' };

interface Options {
  rounds: number;
  warmupMs: number;
  durationMs: number;
  concurrency: number;
  orders: number;
  sagaConcurrency: number;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const flags = new Map(
    argv.map((argument) => {
      const [key, value = 'true'] = argument.replace(/^--/, '').split('=');
      return [key, value] as const;
    }),
  );
  const quick = flags.has('quick');
  const number = (key: string, fallback: number): number => {
    const value = Number(flags.get(key) ?? fallback);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${key} must be a positive number`);
    return value;
  };
  return {
    rounds: Math.round(number('rounds', quick ? 1 : 2)),
    warmupMs: number('warmup', quick ? 1 : 2) * 1000,
    durationMs: number('duration', quick ? 3 : 6) * 1000,
    concurrency: Math.round(number('concurrency', 16)),
    orders: Math.round(number('orders', quick ? 60 : 200)),
    sagaConcurrency: Math.round(number('saga-concurrency', 16)),
    out: flags.get('out') ?? join(__dirname, 'tracing-results.md'),
  };
}

interface Variant {
  name: string;
  variables: (jaeger: JaegerServer) => Record<string, string>;
}

const variants: Variant[] = [
  { name: 'tracing off', variables: () => ({ OTEL_SDK_DISABLED: 'true' }) },
  {
    name: 'tracing on, sampling 1.0',
    variables: (jaeger) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1.0',
    }),
  },
  {
    // Every instrumentation in place, nothing recorded or exported: what the hooks alone cost.
    name: 'tracing on, sampling 0',
    variables: (jaeger) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
      OTEL_TRACES_SAMPLER: 'parentbased_always_off',
    }),
  },
  {
    name: 'tracing on, sampling 0.1',
    variables: (jaeger) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    }),
  },
];

interface Subject {
  platform: ProcessPlatform;
  mongo: MongoClient;
  readPaths: string[];
  saga: SagaDriver;
}

interface Measured {
  variant: Variant;
  read: LoadResult[];
  sagas: SagaResult[];
  /** CPU of our four apps per completed read, in microseconds, per round. */
  readCpuMicros: number[];
  /** CPU of our four apps per order, in milliseconds, per round. */
  sagaCpuMillis: number[];
}

/** Our apps (whatever their role), and Jaeger, which the traced variants keep busy too. */
const classify: Classifier = (_pid, { comm, cmdline }, isOurs) => {
  if (isOurs && /apps\/(gateway|users|orders|payments)\b/.test(cmdline)) return 'apps';
  if (comm.startsWith('jaeger')) return 'jaeger';
  return undefined;
};

/** CPU seconds our apps used between two snapshots. */
function appCpuSeconds(before: CpuSnapshot, after: CpuSnapshot): number {
  const { byGroup, seconds } = cpuBetween(before, after, classify);
  return ((byGroup.apps ?? 0) / 100) * seconds;
}

/** The load generator of bench/platform, in its own process, one job at a time. */
class LoadGenerator {
  private nextId = 0;

  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<LoadGenerator> {
    const child = fork(join(__dirname, 'load-generator.ts'), [], {
      execArgv: ['-r', '@swc-node/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the load generator exited with ${code}`)));
    });
    return new LoadGenerator(child);
  }

  run(job: LoadJob): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('a load job did not finish in time')),
        job.warmupMs + job.durationMs + 30_000,
      );
      const onMessage = (reply: LoadReply) => {
        if (reply.id !== id) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        if (reply.type === 'result') resolve(reply.result);
        else reject(new Error(reply.message));
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'run', id, job } satisfies LoadMessage);
    });
  }

  stop(): void {
    this.child.send({ type: 'exit' } satisfies LoadMessage);
  }
}

async function prepare(variant: Variant, jaeger: JaegerServer): Promise<Subject> {
  const platform = await ProcessPlatform.start(
    { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, ...variant.variables(jaeger) },
    undefined,
    // npm start's defaults: users pay for tracing on top of these.
    { logLevel: 'log', logFormat: 'pretty' },
  );
  const api = new ShopApi(platform.gatewayUrl);
  const shopAdmin = await api.logIn(admin.email, admin.password);
  const readPaths: string[] = [];
  for (let index = 0; index < 20; index += 1)
    readPaths.push(`/api/products/${(await shopAdmin.createProduct(100)).id}`);
  const sagaProducts: string[] = [];
  for (let index = 0; index < 8; index += 1)
    sagaProducts.push((await shopAdmin.createProduct(1_000_000, 1_250)).id);
  const mongo = await MongoClient.connect(platform.environment.mongoUrl);
  const saga = new SagaDriver({
    api: await api.signUp('bench@example.com'),
    orders: mongo.db(platform.environment.mongoDatabase),
    productIds: sagaProducts,
    pollIntervalMs: 100,
    settleTimeoutMs: 60_000,
  });
  return { platform, mongo, readPaths, saga };
}

/** One platform with the variant's tracing: started, warmed, measured and stopped. */
async function measure(
  variant: Variant,
  jaeger: JaegerServer,
  load: LoadGenerator,
  options: Options,
): Promise<{ read: LoadResult; saga: SagaResult; readCpuMicros: number; sagaCpuMillis: number }> {
  const subject = await prepare(variant, jaeger);
  try {
    // Warm the platform's code paths before anything counts.
    await subject.saga.closedLoop(16, 8);
    // CPU over the measured window only: the warm-up first, then the window's edges.
    const marks: CpuSnapshot[] = [];
    const first = setTimeout(() => marks.push(snapshot()), options.warmupMs);
    const second = setTimeout(() => marks.push(snapshot()), options.warmupMs + options.durationMs);
    const read = await load.run({
      kind: 'http',
      baseUrl: subject.platform.gatewayUrl,
      paths: subject.readPaths,
      concurrency: options.concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
    });
    clearTimeout(first);
    clearTimeout(second);
    const readCpuMicros =
      marks.length === 2 ? (appCpuSeconds(marks[0], marks[1]) * 1e6) / read.count : Number.NaN;
    const sagaStart = snapshot();
    const saga = await subject.saga.closedLoop(options.orders, options.sagaConcurrency);
    const sagaCpuMillis = (appCpuSeconds(sagaStart, snapshot()) * 1e3) / saga.orders;
    return { read, saga, readCpuMicros, sagaCpuMillis };
  } finally {
    await subject.mongo.close();
    await subject.platform.stop();
  }
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : '–';

/** The lowest of the rounds: other work on the machine only ever adds to a case's CPU. */
const lowest = (values: number[]) => Math.min(...values.filter(Number.isFinite));

function render(options: Options, subjects: Measured[], wallSeconds: number): string {
  const best = <T extends { perSecond: number }>(results: T[]) =>
    results.reduce((left, right) => (right.perSecond > left.perSecond ? right : left));
  const [off] = subjects;
  const offRead = best(off.read).perSecond;
  const offSaga = best(off.sagas).perSecond;
  const offReadCpu = lowest(off.readCpuMicros);
  const offSagaCpu = lowest(off.sagaCpuMillis);
  const lines = [
    `# Tracing cost (${new Date().toISOString().slice(0, 10)})`,
    '',
    `\`npm run bench:tracing -- ${process.argv.slice(2).join(' ')}\`: ${options.rounds} round(s), best round per case (the highest rate, the lowest CPU); read path ${options.durationMs / 1000} s at concurrency ${options.concurrency}; saga ${options.orders} orders, closed loop of ${options.sagaConcurrency}. ${cpus().length} cores, Node ${process.version}, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(
        ' ',
      )} at the end, ${Math.round(wallSeconds)} s in all. CPU is that of the four apps (not Jaeger's, not the databases') per read or per order.`,
    '',
    '| platform | read /s | vs off | read p99 ms | CPU µs/read | vs off | saga orders/s | vs off | saga p99 ms | CPU ms/order | vs off | confirmed | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const subject of subjects) {
    const read = best(subject.read);
    const saga = best(subject.sagas);
    const readCpu = lowest(subject.readCpuMicros);
    const sagaCpu = lowest(subject.sagaCpuMillis);
    lines.push(
      `| ${subject.variant.name} | ${fmt(read.perSecond)} | ${fmt(read.perSecond / offRead, 2)} | ${fmt(read.p99, 1)} | ${fmt(readCpu)} | ${fmt(readCpu / offReadCpu, 2)} | ${fmt(saga.perSecond, 1)} | ${fmt(saga.perSecond / offSaga, 2)} | ${fmt(saga.p99)} | ${fmt(sagaCpu, 1)} | ${fmt(sagaCpu / offSagaCpu, 2)} | ${saga.confirmed}/${saga.orders} | ${read.errors + saga.failedPosts + saga.pending} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // The apps run on this process's Node, as the load generator does (fork), unless
  // PLATFORM_NODE names one; `npm run bench:tracing` runs it on the platform's Node.
  process.env.PLATFORM_NODE ??= process.execPath;
  const startedAt = performance.now();
  const watchdog = setTimeout(() => {
    console.error('[bench:tracing] watchdog: more than 30 minutes; stopping');
    process.exit(2);
  }, 30 * 60_000);
  const jaeger = await JaegerServer.start();
  const measured: Measured[] = variants.map((variant) => ({
    variant,
    read: [],
    sagas: [],
    readCpuMicros: [],
    sagaCpuMillis: [],
  }));
  let load: LoadGenerator | undefined;
  try {
    load = await LoadGenerator.start();
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const subject of measured) {
        const { read, saga, readCpuMicros, sagaCpuMillis } = await measure(
          subject.variant,
          jaeger,
          load,
          options,
        );
        subject.read.push(read);
        subject.sagas.push(saga);
        subject.readCpuMicros.push(readCpuMicros);
        subject.sagaCpuMillis.push(sagaCpuMillis);
        console.log(
          `[bench:tracing] round ${round} ${subject.variant.name}: read ${fmt(read.perSecond)} /s (p99 ${fmt(read.p99, 1)} ms, apps ${fmt(readCpuMicros)} µs CPU each), saga ${fmt(saga.perSecond, 1)} orders/s (p99 ${fmt(saga.p99)} ms, ${saga.confirmed}/${saga.orders} confirmed, apps ${fmt(sagaCpuMillis, 1)} ms CPU each)`,
        );
      }
    }
    const report = render(options, measured, (performance.now() - startedAt) / 1000);
    console.log(`\n${report}`);
    writeFileSync(options.out, report);
    console.log(`[bench:tracing] written to ${relative(process.cwd(), options.out)}`);
  } finally {
    clearTimeout(watchdog);
    load?.stop();
    await jaeger.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench:tracing] failed:', error);
    process.exit(1);
  },
);
