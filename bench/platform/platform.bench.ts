/*
 * Throughput and latency of the platform's read path and place-order saga, against the same
 * hops written by hand, all measured in one run with one load generator
 * (ARCHITECTURE.md, "Targets we measure ourselves against"). See bench/README.md.
 *
 *   npm run bench                  # drives the platform at BENCH_GATEWAY_URL if one answers,
 *                                  # else starts its own isolated one (test/harness)
 *   npm run bench -- --self-hosted # always its own isolated platform, torn down at the end
 *   npm run bench -- --quick       # a smoke run: short cases, one round, 40 orders
 *
 * Options: --self-hosted | --external, --duration=<s> (measured, default 6), --warmup=<s>
 * (default 2), --prewarm=<s> (one unmeasured pass over every case first, default 4; 0 skips),
 * --rounds=<n> (default 2), --concurrency=16,64, --orders=<n> (default 1000),
 * --saga-warmup=<n> (unmeasured orders first, default 200), --saga-concurrency=<n> (default 16), --paced=<s> (default 10), --poll=<ms> (default 100),
 * --only=get,list,me,const,amqp,saga (default all), --out=<file> (default bench/platform/results.md),
 * --before=<summary.json> (default bench/platform/before.json: shown beside this run's figures),
 * --save-before (write this run's summary to that file instead),
 * --log-level=<LOG_LEVEL of a self-hosted platform's apps> (default log, as npm start),
 * --log-format=json|pretty (their LOG_FORMAT; default pretty, as npm start in development),
 * --replicas=<n> (processes of each service in a self-hosted platform, one gateway; default 1).
 * Environment: BENCH_GATEWAY_URL (http://127.0.0.1:3000), ADMIN_EMAIL, ADMIN_PASSWORD,
 * RABBITMQ_URL, MONGO_URL, ORDERS_MONGO_DB (external mode), FERRETDB_POSTGRES_URL.
 *
 * Every loop is bounded by a count or a duration; traffic goes to 127.0.0.1 only.
 */
import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform as osPlatform, release, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { connect } from 'amqplib';
import { Db, MongoClient } from 'mongodb';
import type { LogLevel } from '../../test/harness/app-process';
import { ProcessPlatform } from '../../test/harness/process-platform';
import { ShopApi } from '../../test/harness/shop-api';
import { DEVELOPMENT_JWT_SECRET } from '../../libs/platform/src/config/auth.env';
import { Classifier, cpuBetween, snapshot } from './cpu-sampler';
import { orderPathClassifier, orderPathLine } from './order-cpu';
import type { LoadJob, LoadMessage, LoadReply } from './load-generator';
import { SagaDriver, SagaResult, storedRowWrites, writeCommands } from './saga-driver';
import type { LoadResult } from './stats';
import { BenchSummary, readSummary, writeSummary } from './summary';

const root = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------------------ options

interface Options {
  mode: 'auto' | 'self-hosted' | 'external';
  gatewayUrl: string;
  warmupMs: number;
  durationMs: number;
  prewarmMs: number;
  sagaWarmupOrders: number;
  rounds: number;
  concurrencies: number[];
  only: Set<string>;
  ceilingMs: number;
  sagaOrders: number;
  sagaConcurrency: number;
  pacedMs: number;
  pollMs: number;
  out: string;
  /** A summary of an earlier run, shown beside this one's figures. */
  before: string;
  /** Write this run's summary there instead (the new "before"). */
  saveBefore: boolean;
  logLevel: LogLevel;
  logFormat: 'json' | 'pretty';
  /** Processes of each service (users, orders, payments) in a self-hosted platform. */
  replicas: number;
}

const logLevels: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Orders/s of the closed loop of 16 on two cores (issue #14, ARCHITECTURE.md); paced at half. */
const SAGA_TARGET = 40;

const caseGroups = ['get', 'list', 'me', 'const', 'amqp', 'saga'];

function parseOptions(argv: string[]): Options {
  const flags = new Map<string, string>();
  for (const argument of argv) {
    const [key, value = 'true'] = argument.replace(/^--/, '').split('=');
    flags.set(key, value);
  }
  const quick = flags.has('quick');
  const number = (key: string, fallback: number, minimum = 1): number => {
    const value = Number(flags.get(key) ?? fallback);
    if (!Number.isFinite(value) || value < minimum)
      throw new Error(`--${key} must be a number of at least ${minimum}`);
    return value;
  };
  const only = new Set((flags.get('only') ?? caseGroups.join(',')).split(','));
  for (const group of only)
    if (!caseGroups.includes(group))
      throw new Error(`--only takes some of ${caseGroups.join(',')}, not ${group}`);
  const concurrencies = (flags.get('concurrency') ?? '16,64').split(',').map(Number);
  if (concurrencies.some((value) => !Number.isInteger(value) || value < 1 || value > 1_000))
    throw new Error('--concurrency takes integers from 1 to 1000, e.g. 16,64');
  // npm start's defaults: what users run, so what counts (issue #14).
  const logLevel = (flags.get('log-level') ?? 'log') as LogLevel;
  if (!logLevels.includes(logLevel))
    throw new Error(`--log-level takes one of ${logLevels.join(', ')}, not ${logLevel}`);
  const logFormat = flags.get('log-format') ?? 'pretty';
  if (logFormat !== 'json' && logFormat !== 'pretty')
    throw new Error(`--log-format takes json or pretty, not ${logFormat}`);
  const mode = flags.has('self-hosted')
    ? 'self-hosted'
    : flags.has('external')
      ? 'external'
      : 'auto';
  return {
    mode,
    gatewayUrl: process.env.BENCH_GATEWAY_URL ?? 'http://127.0.0.1:3000',
    warmupMs: number('warmup', quick ? 1 : 2, 0) * 1000,
    durationMs: number('duration', quick ? 2 : 6) * 1000,
    prewarmMs: number('prewarm', quick ? 1 : 4, 0) * 1000,
    rounds: Math.round(number('rounds', quick ? 1 : 2)),
    concurrencies,
    only,
    ceilingMs: (quick ? 2 : 5) * 1000,
    // Long enough for a steady state: the first few hundred orders of a fresh platform cost the
    // apps up to half as much CPU again (JIT, first-use caches), and 200 took six seconds.
    sagaOrders: Math.round(number('orders', quick ? 40 : 1000)),
    sagaWarmupOrders: Math.round(number('saga-warmup', quick ? 8 : 200, 0)),
    sagaConcurrency: Math.round(number('saga-concurrency', 16)),
    pacedMs: number('paced', quick ? 4 : 10) * 1000,
    pollMs: number('poll', 100, 10),
    out: flags.get('out') ?? join(__dirname, 'results.md'),
    before: flags.get('before') ?? join(__dirname, 'before.json'),
    saveBefore: flags.has('save-before'),
    logLevel,
    logFormat,
    replicas: Math.round(number('replicas', 1)),
  };
}

// ------------------------------------------------------------------------------ processes

interface Child {
  name: string;
  process: ChildProcess;
  ready: { type: 'ready'; port?: number };
}

/** Forks one of this folder's scripts (from source, like our apps) and waits for its 'ready'. */
function startChild(name: string, file: string, env: Record<string, string>): Promise<Child> {
  const child = fork(join(__dirname, file), [], {
    cwd: root,
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} was not ready within 30 s`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready`));
    });
    child.once('message', (message: Child['ready']) => {
      clearTimeout(timer);
      resolve({ name, process: child, ready: message });
    });
  });
}

async function stopChild(child: Child): Promise<void> {
  const { process: running } = child;
  if (running.exitCode !== null || running.signalCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGTERM');
  const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

class LoadGenerator {
  private nextId = 0;

  private constructor(readonly child: Child) {}

  static async start(): Promise<LoadGenerator> {
    return new LoadGenerator(await startChild('load generator', 'load-generator.ts', {}));
  }

  run(job: LoadJob): Promise<LoadResult> {
    const id = this.nextId++;
    const child = this.child.process;
    return new Promise((resolve, reject) => {
      const limitMs = job.warmupMs + job.durationMs + 30_000;
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`load job ${job.kind} did not finish within ${limitMs} ms`));
      }, limitMs);
      const onMessage = (reply: LoadReply) => {
        if (reply.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        if (reply.type === 'result') resolve(reply.result);
        else reject(new Error(reply.message));
      };
      child.on('message', onMessage);
      child.send({ type: 'run', id, job } satisfies LoadMessage);
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

// ------------------------------------------------------------------------------ platform

interface Target {
  mode: 'self-hosted' | 'external';
  gatewayUrl: string;
  rabbitmqUrl: string;
  mongoUrl: string;
  ordersDatabase: string;
  /** The users service's PostgreSQL database, which the floor's /me reads too. */
  usersDatabaseUrl: string;
  paymentsDatabaseUrl: string;
  /** What the gateway verifies access tokens with (its JWT_SECRET). */
  jwtSecret: string;
  queuePrefix: string;
  platform?: ProcessPlatform;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

const adminEmail = process.env.ADMIN_EMAIL ?? 'admin@shop.local';
const adminPassword = process.env.ADMIN_PASSWORD ?? 'admin-password-for-development';

/** Log lines of a self-hosted platform's apps: counted, never kept (the harness keeps all). */
const appLogs = { infoLines: 0, errors: [] as string[] };
function trimAppLogs(platform: ProcessPlatform): void {
  for (const app of platform.processes) {
    for (const line of app.lines) {
      if (line.level === 30) appLogs.infoLines += 1;
      else if (line.level >= 50 && appLogs.errors.length < 5)
        appLogs.errors.push(
          `${app.app}: ${String(line.message ?? JSON.stringify(line)).slice(0, 300)}`,
        );
    }
    app.lines.length = 0;
  }
}

/** A benchmark's load is for this machine only: refuses any other host, before sending anything. */
function assertLoopback(name: string, url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host))
    throw new Error(`${name} must point at this machine (127.0.0.1), not ${host}`);
}

async function startTarget(options: Options): Promise<Target> {
  assertLoopback('BENCH_GATEWAY_URL', options.gatewayUrl);
  for (const name of ['RABBITMQ_URL', 'MONGO_URL', 'POSTGRES_URL', 'FERRETDB_POSTGRES_URL'])
    if (process.env[name]) assertLoopback(name, process.env[name]!);
  const external =
    options.mode === 'external' || (options.mode === 'auto' && (await answers(options.gatewayUrl)));
  if (external) {
    if (!(await answers(options.gatewayUrl)))
      throw new Error(`Nothing answers at ${options.gatewayUrl}/health (--external)`);
    return {
      mode: 'external',
      gatewayUrl: options.gatewayUrl,
      rabbitmqUrl: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      mongoUrl: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
      ordersDatabase: process.env.ORDERS_MONGO_DB ?? 'shop_orders',
      usersDatabaseUrl:
        process.env.USERS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_users',
      paymentsDatabaseUrl:
        process.env.PAYMENTS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_payments',
      jwtSecret: process.env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
      queuePrefix: process.env.RMQ_QUEUE_PREFIX ?? '',
    };
  }
  console.log('[bench] starting an isolated platform (test/harness ProcessPlatform) ...');
  const platform = await ProcessPlatform.start(
    { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword },
    undefined,
    {
      logLevel: options.logLevel,
      logFormat: options.logFormat,
      replicas: { users: options.replicas, orders: options.replicas, payments: options.replicas },
    },
  );
  const { environment } = platform;
  return {
    mode: 'self-hosted',
    gatewayUrl: platform.gatewayUrl,
    rabbitmqUrl: environment.variables.RABBITMQ_URL,
    mongoUrl: environment.mongoUrl,
    ordersDatabase: environment.mongoDatabase,
    usersDatabaseUrl: environment.usersDatabaseUrl,
    paymentsDatabaseUrl: environment.paymentsDatabaseUrl,
    jwtSecret: environment.variables.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    queuePrefix: environment.queuePrefix,
    platform,
  };
}

// ------------------------------------------------------------------------------ cases

interface CaseRow {
  key: string;
  label: string;
  concurrency: number;
  result: LoadResult;
  cpu: ReturnType<typeof cpuBetween>;
  /** Key of the row this one is compared with. */
  baseline?: string;
  target?: { ratio: number; text: string };
  reference?: string;
  round: number;
}

const cpuGroups = [
  'gateway',
  'orders',
  'users+payments',
  'floor http',
  'floor responder',
  'ferretdb',
  'postgres',
  'rabbitmq',
  'load gen',
  'bench',
  'other',
] as const;

/** Whether a process was started by `npm start` (each app runs under scripts/supervise.sh). */
function startedByNpmStart(ppid: number): boolean {
  try {
    return readFileSync(`/proc/${ppid}/cmdline`, 'utf8').includes('supervise.sh');
  } catch {
    return false;
  }
}

function classifier(target: Target): Classifier {
  return (pid, { comm, cmdline, ppid }, isOurs) => {
    if (pid === process.pid) return 'bench';
    const app = /apps\/(gateway|users|orders|payments)\b/.exec(cmdline)?.[1];
    if (isOurs) {
      if (app) return app === 'users' || app === 'payments' ? 'users+payments' : app;
      if (cmdline.includes('load-generator')) return 'load gen';
      if (cmdline.includes('floor-http')) return 'floor http';
      if (cmdline.includes('floor-responder')) return 'floor responder';
      return 'bench';
    }
    if (comm.startsWith('postgres')) return 'postgres';
    if (comm.startsWith('beam') || comm.startsWith('erl_') || comm === 'epmd') return 'rabbitmq';
    if (comm.startsWith('ferretdb')) return 'ferretdb';
    // Apps of `npm start` (external mode); test platforms and self-hosted mode's are not it.
    if (app && target.mode === 'external' && startedByNpmStart(ppid))
      return app === 'users' || app === 'payments' ? 'users+payments' : app;
    return undefined;
  };
}

async function measure(
  load: LoadGenerator,
  classify: Classifier,
  job: LoadJob,
): Promise<{ result: LoadResult; cpu: ReturnType<typeof cpuBetween> }> {
  // CPU is sampled over the measured window only: warm-up first, then the window's edges.
  const before = snapshot();
  const running = load.run(job);
  const marks: { before?: ReturnType<typeof snapshot>; after?: ReturnType<typeof snapshot> } = {};
  const first = setTimeout(() => (marks.before = snapshot()), job.warmupMs);
  const second = setTimeout(() => (marks.after = snapshot()), job.warmupMs + job.durationMs);
  const result = await running;
  clearTimeout(first);
  clearTimeout(second);
  const cpu = cpuBetween(marks.before ?? before, marks.after ?? snapshot(), classify);
  return { result, cpu };
}

// ------------------------------------------------------------------------------ report

/**
 * CPU per completed request of a read case's two hops, in µs: the HTTP front (gateway or the
 * floor's http server) and the service behind it (orders, users, or the floor's responder).
 */
function hopMicrosPerRequest(row: CaseRow): { front: number; service: number } {
  const used = row.cpu.byGroup;
  const perRequest = (percent: number) =>
    percent > 0 ? (percent / 100 / row.result.perSecond) * 1e6 : Number.NaN;
  if (row.key.startsWith('floor'))
    return {
      front: perRequest(used['floor http'] ?? 0),
      service: perRequest(used['floor responder'] ?? 0),
    };
  return {
    front: perRequest(used.gateway ?? 0),
    service: perRequest(used[row.key.startsWith('ours-me') ? 'users+payments' : 'orders'] ?? 0),
  };
}

function appMicrosPerRequest(row: CaseRow): number {
  const { front, service } = hopMicrosPerRequest(row);
  return front + service;
}

/** CPU of our four apps per order of the closed loop, in ms. */
function appMillisPerOrder(saga: SagaReport): number {
  const appPercent = ['gateway', 'orders', 'users+payments'].reduce(
    (sum, group) => sum + (saga.closedCpu.byGroup[group] ?? 0),
    0,
  );
  return ((appPercent / 100) * saga.closedCpu.seconds * 1000) / saga.closed.orders;
}

function summarize(options: Options, rows: CaseRow[], saga: SagaReport | undefined): BenchSummary {
  const cases: BenchSummary['cases'] = {};
  for (const row of rows)
    cases[row.key] = {
      label: row.label,
      perSecond: row.result.perSecond,
      p99: row.result.p99,
      cpu: appMicrosPerRequest(row),
    };
  if (saga) {
    cases['saga-closed'] = {
      label: 'place-order saga, closed loop',
      perSecond: saga.closed.perSecond,
      p99: saga.closed.p99,
      cpu: appMillisPerOrder(saga),
    };
    if (saga.paced)
      cases['saga-paced'] = {
        label: 'place-order saga, paced',
        perSecond: saga.paced.perSecond,
        p99: saga.paced.p99,
      };
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    // Not a git checkout: the date says when.
  }
  return {
    date: new Date().toISOString(),
    commit,
    settings: `LOG_LEVEL=${options.logLevel}, LOG_FORMAT=${options.logFormat}`,
    cases,
  };
}

/** "1,070 /s, p99 112 ms" of the same case in the before file, or ''. */
function beforeCell(before: BenchSummary | undefined, key: string, unit = '/s'): string {
  const figures = before?.cases[key];
  return figures
    ? `${fmt(figures.perSecond, unit === '/s' ? 0 : 1)} ${unit}, p99 ${ms(figures.p99)}`
    : '';
}

const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      })
    : '–';
const ms = (value: number): string =>
  Number.isFinite(value) ? fmt(value, value < 10 ? 2 : 1) : '–';

interface SagaReport {
  ceiling: LoadResult;
  findCeiling: LoadResult;
  closed: SagaResult;
  /** CPU from the closed loop's first POST to 2.5 s after its last order ended. */
  closedCpu: ReturnType<typeof cpuBetween>;
  /**
   * Idle CPU while the loop ran, without that quiet tail: whether the loop was CPU-bound. The
   * tail's idle time made a busy loop look a third idle.
   */
  loopIdlePercent: number;
  /** The same, of the store and the apps' databases alone (see order-cpu.ts). */
  orderPathCpu: ReturnType<typeof cpuBetween>;
  paced?: SagaResult;
  pacedRate: number;
  writesPerOrder?: number;
  writeSource: string;
  commandWrites?: number;
  rowWrites?: number;
  target: number;
  /** Orders/s at half the stand-in's write ceiling, given the writes per order. */
  storeLimit?: number;
}

function renderReport(
  options: Options,
  target: Target,
  rows: CaseRow[],
  saga: SagaReport | undefined,
  before: BenchSummary | undefined,
  context: {
    startedAt: Date;
    loadStart: number[];
    loadEnd: number[];
    wallSeconds: number;
    notes: string[];
  },
): string {
  const lines: string[] = [];
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const cpu = cpus();
  lines.push('# Platform benchmark: read path and place-order saga', '');
  lines.push(`- date: ${context.startedAt.toISOString()}`);
  lines.push(
    `- machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB, ${osPlatform()} ${release()}, Node ${process.version}`,
  );
  lines.push(
    `- command: \`node -r @swc-node/register bench/platform/platform.bench.ts ${process.argv.slice(2).join(' ')}\`` +
      ' (`npm run bench`)',
  );
  lines.push(
    target.mode === 'self-hosted'
      ? `- mode: self-hosted: an isolated platform started by test/harness ProcessPlatform (own databases and queue prefix), apps run from source at LOG_LEVEL=${options.logLevel} and LOG_FORMAT=${options.logFormat}, ${options.replicas} process(es) of each service and one gateway; they wrote ${fmt(appLogs.infoLines)} info lines into the bench process`
      : `- mode: external: the platform at ${target.gatewayUrl} (database ${target.ordersDatabase})`,
  );
  lines.push(
    `- read cases: closed loop, keep-alive, ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s measured, best of ${options.rounds} round(s) (floor and ours alternate)`,
  );
  lines.push(
    `- load average (1/5/15 min): ${context.loadStart.map((value) => fmt(value, 2)).join(' ')} at start, ${context.loadEnd.map((value) => fmt(value, 2)).join(' ')} at end; run took ${fmt(context.wallSeconds)} s`,
  );
  lines.push('');
  lines.push('## Results', '');
  const beforeHeading = before
    ? `before (${before.commit}, ${before.date.slice(0, 10)})`
    : 'before (no before.json)';
  lines.push(
    `| case | conc. | throughput | p50 ms | p99 ms | errors | ${beforeHeading} | compared with | ratio | target | result |`,
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|');
  for (const row of rows) {
    const baseline = row.baseline ? byKey.get(row.baseline) : undefined;
    const ratio = baseline ? row.result.perSecond / baseline.result.perSecond : Number.NaN;
    const verdict = row.target && baseline ? (ratio >= row.target.ratio ? 'PASS' : 'MISS') : '';
    lines.push(
      `| ${row.label} | ${row.concurrency} | ${fmt(row.result.perSecond)} /s | ${ms(row.result.p50)} | ${ms(row.result.p99)} | ${row.result.errors} | ${beforeCell(before, row.key)} | ${baseline ? baseline.label + ' c' + baseline.concurrency : (row.reference ?? '')} | ${baseline ? fmt(ratio, 2) : ''} | ${row.target?.text ?? ''} | ${verdict} |`,
    );
  }
  if (saga) {
    const { closed, paced } = saga;
    const throughputTarget = saga.target;
    lines.push(
      `| FerretDB write ceiling: updateOne({_id, v:{$gte:0}}, {$inc}) on separate docs | 16 | ${fmt(saga.ceiling.perSecond)} /s | ${ms(saga.ceiling.p50)} | ${ms(saga.ceiling.p99)} | ${saga.ceiling.errors} | | ARCHITECTURE.md: ~1,000 /s | | | |`,
    );
    lines.push(
      `| place-order saga, closed loop, ${closed.orders} orders, tok_visa | ${options.sagaConcurrency} | ${fmt(closed.perSecond, 1)} orders/s | ${ms(closed.p50)} | ${ms(closed.p99)} | ${closed.failedPosts + closed.pending + closed.cancelled} | ${beforeCell(before, 'saga-closed', 'orders/s')} | ${fmt(throughputTarget)} orders/s (the store alone would allow ${saga.storeLimit !== undefined ? fmt(saga.storeLimit, 1) : '?'}: ½ write ceiling ÷ ${saga.writesPerOrder !== undefined ? fmt(saga.writesPerOrder, 1) : '?'} writes/order) | ${fmt(closed.perSecond / throughputTarget, 2)} | ≥ 1.00 | ${closed.perSecond >= throughputTarget ? 'PASS' : 'MISS'} |`,
    );
    if (paced) {
      const ok = paced.p99 < 250 && paced.pending === 0 && paced.failedPosts === 0;
      lines.push(
        `| place-order saga, paced at ${fmt(saga.pacedRate)} orders/s for ${options.pacedMs / 1000} s (${paced.orders} orders) | open | ${fmt(paced.perSecond, 1)} orders/s | ${ms(paced.p50)} | ${ms(paced.p99)} | ${paced.failedPosts + paced.pending + paced.cancelled} | ${beforeCell(before, 'saga-paced', 'orders/s')} | ${paced.pending} left PENDING | | p99 < 250 ms, none PENDING | ${ok ? 'PASS' : 'MISS'} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    'Throughput is what completed inside the measured window. "floor" is the hand-written path: bare Node `http` → amqplib request/reply (direct reply-to, noDelay, persistent, manual ack, prefetch 32) → an amqplib responder doing the same `findOne` by `_id` on the same products collection; "amqp" is that request/reply without HTTP, driven from the load generator. Errors of a saga row count failed POSTs, orders left PENDING and orders CANCELLED.',
  );
  if (saga) {
    const { closed, paced } = saga;
    lines.push('', '## Place-order saga', '');
    lines.push(
      `- latency: from the POST to the saga's last write (its \`updatedAt\`: for a confirmed order the write that sets CONFIRMED, for a cancelled one the write after it became CANCELLED), read from the store after the run; polling (one \`{status: 'PENDING'}\` query every ${options.pollMs} ms) only decides when a closed-loop worker moves on, so it adds up to ${options.pollMs} ms between a worker's orders but nothing to the latencies`,
    );
    lines.push(
      `- closed loop: ${closed.orders} orders in ${fmt(closed.seconds, 1)} s: ${closed.confirmed} CONFIRMED, ${closed.cancelled} CANCELLED, ${closed.pending} PENDING, ${closed.failedPosts} failed POSTs; max ${ms(closed.max)} ms`,
    );
    if (paced)
      lines.push(
        `- paced: ${paced.orders} orders: ${paced.confirmed} CONFIRMED, ${paced.cancelled} CANCELLED, ${paced.pending} PENDING after waiting, ${paced.failedPosts} failed POSTs; max ${ms(paced.max)} ms`,
      );
    lines.push(
      `- store writes per order: ${saga.writesPerOrder !== undefined ? fmt(saga.writesPerOrder, 2) : 'unknown'} (${saga.writeSource}); FerretDB write commands (serverStatus, server-wide, so other clients of the stand-in count too): ${saga.commandWrites !== undefined ? fmt(saga.commandWrites / closed.orders, 2) + ' per order' : 'n/a'}; rows written in PostgreSQL for our database: ${saga.rowWrites !== undefined ? fmt(saga.rowWrites / closed.orders, 2) + ' per order' : 'n/a'}`,
    );
    // Our apps' columns are ours alone; the infrastructure's include other people's traffic.
    const cpuMsPerOrder = (group: string) =>
      (((saga.closedCpu.byGroup[group] ?? 0) / 100) * saga.closedCpu.seconds * 1000) /
      closed.orders;
    lines.push(
      `- CPU per order in the closed loop, ms: ${cpuGroups
        .filter((group) => !group.startsWith('floor') && group !== 'load gen')
        .map((group) => `${group} ${fmt(cpuMsPerOrder(group), 1)}`)
        .join(
          ', ',
        )} (idle ${fmt(saga.closedCpu.idlePercent)} % of that window; ${fmt(saga.loopIdlePercent)} % while the loop ran)`,
    );
    lines.push(orderPathLine(saga.orderPathCpu, closed.orders, appMillisPerOrder(saga)));
    lines.push(
      `- FerretDB findOne-by-_id ceiling (16 concurrent, products): ${fmt(saga.findCeiling.perSecond)} /s, p50 ${ms(saga.findCeiling.p50)} ms, p99 ${ms(saga.findCeiling.p99)} ms (ARCHITECTURE.md: ~2,600–4,600 /s)`,
    );
    for (const sample of [...closed.errorSamples, ...(paced?.errorSamples ?? [])])
      lines.push(`- error: ${sample}`);
  }
  lines.push(
    '',
    '## CPU during each measured window (% of one core; the machine has ' +
      cpu.length * 100 +
      ' %)',
    '',
  );
  lines.push(
    `| case | conc. | ${cpuGroups.join(' | ')} | idle | app µs/req | front µs/req | service µs/req |`,
  );
  lines.push(`|---|---:|${cpuGroups.map(() => '---:').join('|')}|---:|---:|---:|---:|`);
  for (const row of rows) {
    const used = row.cpu.byGroup;
    const perRequest = appMicrosPerRequest(row);
    const hops = hopMicrosPerRequest(row);
    lines.push(
      `| ${row.label} | ${row.concurrency} | ${cpuGroups.map((group) => fmt(used[group] ?? 0)).join(' | ')} | ${fmt(row.cpu.idlePercent)} % | ${fmt(perRequest)} | ${fmt(hops.front)} | ${fmt(hops.service)} |`,
    );
  }
  lines.push('');
  lines.push(
    '"app µs/req" is the CPU of the two Node processes on the path (gateway + orders, gateway + users for /me, or floor http + floor responder) per completed request, split into its HTTP front (gateway or floor http) and the service behind it (orders, users or floor responder). "bench" is this process (in self-hosted mode it parses every log line the apps write); "other" is every process that is not ours and not the infrastructure (other people\'s work on this machine). ferretdb, postgres and rabbitmq serve everyone on the machine, so their columns include other people\'s traffic too.',
  );
  const noisy = rows.filter((row) => (row.cpu.byGroup.other ?? 0) > 25);
  if (noisy.length > 0)
    lines.push(
      '',
      `**Noisy measurement:** other work used more than a quarter of a core during ${noisy.map((row) => `${row.label} c${row.concurrency}`).join('; ')}. Ratios of cases measured side by side stay meaningful; absolute figures are low.`,
    );
  if (context.notes.length > 0) {
    lines.push('', '## Notes', '');
    for (const note of context.notes) lines.push(`- ${note}`);
  }
  return lines.join('\n') + '\n';
}

type Plan = Omit<CaseRow, 'result' | 'cpu' | 'round'> & { job: LoadJob };

/** The read cases, floor and ours alternating, so slow drifts of the machine hit both alike. */
function buildPlan(
  options: Options,
  {
    gatewayUrl,
    floorUrl,
    rabbitmqUrl,
    floorQueue,
    readIds,
    customerToken,
  }: {
    gatewayUrl: string;
    floorUrl: string;
    rabbitmqUrl: string;
    floorQueue: string;
    readIds: string[];
    customerToken: string;
  },
): Plan[] {
  const timing = { warmupMs: options.warmupMs, durationMs: options.durationMs };
  const plan: Plan[] = [];
  const [lowConcurrency] = options.concurrencies;
  if (options.only.has('get'))
    for (const concurrency of options.concurrencies) {
      plan.push({
        key: `floor-get-${concurrency}`,
        label: 'floor: http → amqplib → findOne',
        concurrency,
        reference: concurrency === lowConcurrency ? 'ARCHITECTURE.md: ~2,600 /s' : undefined,
        job: {
          kind: 'http',
          baseUrl: floorUrl,
          paths: readIds.map((id) => `/products/${id}`),
          concurrency,
          ...timing,
        },
      });
      plan.push({
        key: `ours-get-${concurrency}`,
        label: 'ours: GET /api/products/:id',
        concurrency,
        baseline: `floor-get-${concurrency}`,
        target: { ratio: 0.8, text: '≥ 0.80 of floor' },
        job: {
          kind: 'http',
          baseUrl: gatewayUrl,
          paths: readIds.map((id) => `/api/products/${id}`),
          concurrency,
          ...timing,
        },
      });
    }
  if (options.only.has('list')) {
    const list = (baseUrl: string, path: string): LoadJob => ({
      kind: 'http',
      baseUrl,
      paths: [path],
      concurrency: lowConcurrency,
      ...timing,
    });
    plan.push({
      key: 'floor-list',
      label: 'floor: http → amqplib → find, sort by _id, limit 50',
      concurrency: lowConcurrency,
      job: list(floorUrl, '/products'),
    });
    plan.push({
      key: 'ours-list',
      label: 'ours: GET /api/products (list)',
      concurrency: lowConcurrency,
      baseline: 'floor-list',
      job: list(gatewayUrl, '/api/products'),
    });
  }
  if (options.only.has('me')) {
    // Authenticated: the gateway checks the token, then asks the users service (PostgreSQL).
    const me = (baseUrl: string, path: string): LoadJob => ({
      kind: 'http',
      baseUrl,
      paths: [path],
      headers: { authorization: `Bearer ${customerToken}` },
      concurrency: lowConcurrency,
      ...timing,
    });
    plan.push({
      key: 'floor-me',
      label: 'floor: http → verify token → amqplib → SELECT user by id',
      concurrency: lowConcurrency,
      job: me(floorUrl, '/me'),
    });
    plan.push({
      key: 'ours-me',
      label: 'ours: GET /api/users/me',
      concurrency: lowConcurrency,
      baseline: 'floor-me',
      job: me(gatewayUrl, '/api/users/me'),
    });
  }
  if (options.only.has('const'))
    for (const concurrency of options.concurrencies)
      plan.push({
        key: `floor-const-${concurrency}`,
        label: 'floor: http → amqplib → constant (no DB)',
        concurrency,
        reference: concurrency === lowConcurrency ? 'ARCHITECTURE.md: ~10,000 /s' : undefined,
        job: { kind: 'http', baseUrl: floorUrl, paths: ['/const'], concurrency, ...timing },
      });
  if (options.only.has('amqp'))
    for (const concurrency of options.concurrencies) {
      const amqp = (bodies: string[]): LoadJob => ({
        kind: 'amqp',
        rabbitmqUrl,
        queue: floorQueue,
        bodies,
        concurrency,
        ...timing,
      });
      plan.push({
        key: `amqp-get-${concurrency}`,
        label: 'amqp: amqplib request/reply → findOne (no HTTP)',
        concurrency,
        baseline: options.only.has('get') ? `floor-get-${concurrency}` : undefined,
        job: amqp(readIds.map((id) => JSON.stringify({ op: 'get', id }))),
      });
      plan.push({
        key: `amqp-const-${concurrency}`,
        label: 'amqp: amqplib request/reply → constant',
        concurrency,
        baseline: options.only.has('const') ? `floor-const-${concurrency}` : undefined,
        job: amqp([JSON.stringify({ op: 'const' })]),
      });
    }
  return plan;
}

/**
 * The stand-in's ceilings (so the saga's target comes from this run), then the saga: a closed
 * loop for throughput and writes per order, then paced at half the target for latency.
 */
async function runSaga(
  options: Options,
  context: {
    load: LoadGenerator;
    mongo: MongoClient;
    ordersDb: Db;
    target: Target;
    scratchDatabase: string;
    readIds: string[];
    sagaIds: string[];
    customer: ShopApi;
    isFerret: boolean;
    storeName: string;
    lastSetupWriteAt: number;
    classify: Classifier;
  },
): Promise<SagaReport> {
  const { load, mongo, target } = context;
  const ceilingTiming = { warmupMs: 1_000, durationMs: options.ceilingMs, concurrency: 16 };
  // Best of the rounds, like the read cases: the target should not drop because someone else
  // was busy for those seconds.
  const bestOf = async (job: LoadJob): Promise<LoadResult> => {
    let best: LoadResult | undefined;
    for (let round = 0; round < options.rounds; round += 1) {
      const result = await load.run(job);
      if (!best || result.perSecond > best.perSecond) best = result;
    }
    return best!;
  };
  const findCeiling = await bestOf({
    kind: 'mongo-find',
    mongoUrl: target.mongoUrl,
    database: target.ordersDatabase,
    collection: 'products',
    ids: context.readIds,
    ...ceilingTiming,
  });
  const ceiling = await bestOf({
    kind: 'mongo-update',
    mongoUrl: target.mongoUrl,
    database: context.scratchDatabase,
    collection: 'ceiling',
    ...ceilingTiming,
  });
  console.log(
    `[bench] ${context.storeName}: findOne ${fmt(findCeiling.perSecond)} /s, conditional updateOne ${fmt(ceiling.perSecond)} /s`,
  );

  const postgresUrl =
    process.env.FERRETDB_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/ferretdb';
  // PostgreSQL publishes an idle backend's table counters up to 10 s late.
  const statsDelayMs = 11_000;
  const sinceSetup = performance.now() - context.lastSetupWriteAt;
  const rowsBefore = context.isFerret
    ? await storedRowWrites(
        postgresUrl,
        target.ordersDatabase,
        Math.max(0, statsDelayMs - sinceSetup),
      )
    : undefined;
  const commandsBefore = await writeCommands(mongo.db('admin'));
  const driver = new SagaDriver({
    api: context.customer,
    orders: context.ordersDb,
    productIds: context.sagaIds,
    pollIntervalMs: options.pollMs,
    settleTimeoutMs: 30_000,
  });
  console.log(
    `[bench] saga: ${options.sagaOrders} orders, ${options.sagaConcurrency} at a time ...`,
  );
  const cpuBefore = snapshot();
  const closed = await driver.closedLoop(options.sagaOrders, options.sagaConcurrency);
  const cpuAtLoopEnd = snapshot();
  // The events relay clears the outbox of each cancelled order within a second: one more write.
  await sleep(2_500);
  const cpuAfter = snapshot();
  const closedCpu = cpuBetween(cpuBefore, cpuAfter, context.classify);
  const loopIdlePercent = cpuBetween(cpuBefore, cpuAtLoopEnd, context.classify).idlePercent;
  const orderPathCpu = cpuBetween(
    cpuBefore,
    cpuAfter,
    orderPathClassifier({
      databaseUrls: [target.usersDatabaseUrl, target.paymentsDatabaseUrl],
      mongoUrl: target.mongoUrl,
      ferretdbPostgresUrl: postgresUrl,
    }),
  );
  const commandsAfter = await writeCommands(mongo.db('admin'));
  const rowsAfter = context.isFerret
    ? await storedRowWrites(postgresUrl, target.ordersDatabase, statsDelayMs)
    : undefined;
  const rowWrites =
    rowsBefore !== undefined && rowsAfter !== undefined ? rowsAfter - rowsBefore : undefined;
  const commandWrites =
    commandsBefore !== undefined && commandsAfter !== undefined
      ? commandsAfter - commandsBefore
      : undefined;
  const writes = rowWrites ?? commandWrites;
  const writesPerOrder =
    writes !== undefined && closed.orders > 0 ? writes / closed.orders : undefined;
  const writeSource =
    rowWrites !== undefined
      ? 'rows FerretDB wrote to PostgreSQL for our database, from pg_stat_user_tables; a conditional update that matches nothing is not counted'
      : 'server-wide write commands from serverStatus';
  // What the stand-in alone would allow, at half its write ceiling: shown beside the target.
  const storeLimit = writesPerOrder ? ceiling.perSecond / 2 / writesPerOrder : undefined;
  console.log(
    `[bench] saga closed loop: ${fmt(closed.perSecond, 1)} orders/s, p50 ${ms(closed.p50)} p99 ${ms(closed.p99)}; ${writesPerOrder !== undefined ? fmt(writesPerOrder, 2) : '?'} writes/order; target ${SAGA_TARGET} orders/s`,
  );
  let paced: SagaResult | undefined;
  const pacedRate = SAGA_TARGET / 2;
  {
    console.log(
      `[bench] saga paced at ${fmt(pacedRate, 1)} orders/s for ${options.pacedMs / 1000} s ...`,
    );
    paced = await driver.paced(pacedRate, options.pacedMs);
    console.log(
      `[bench] saga paced: p50 ${ms(paced.p50)} p99 ${ms(paced.p99)}, ${paced.pending} PENDING`,
    );
  }
  return {
    ceiling,
    findCeiling,
    closed,
    closedCpu,
    loopIdlePercent,
    orderPathCpu,
    paced,
    pacedRate,
    writesPerOrder,
    writeSource,
    commandWrites,
    rowWrites,
    target: SAGA_TARGET,
    storeLimit,
  };
}

// ------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // The apps run on this process's Node, as the floor and the load generator do (fork), so the
  // ratios compare like with like; `npm run bench` runs it on the platform's Node. A
  // PLATFORM_NODE given by hand (a wrapper that profiles, say) is kept.
  process.env.PLATFORM_NODE ??= process.execPath;
  const startedAt = new Date();
  const wallStart = performance.now();
  const loadStart = loadavg();
  const runId = `b${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const notes: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let tornDown = false;
  const tearDown = async (): Promise<void> => {
    if (tornDown) return;
    tornDown = true;
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: unknown) => console.error('[bench] cleanup failed:', error));
  };
  // Bounded: whatever hangs, the run ends and cleans up.
  const watchdog = setTimeout(() => {
    console.error('[bench] watchdog: the run took more than 30 minutes; stopping');
    void tearDown().finally(() => process.exit(2));
  }, 30 * 60_000);
  process.once('SIGINT', () => void tearDown().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void tearDown().finally(() => process.exit(143)));

  try {
    const target = await startTarget(options);
    if (target.platform) {
      const platform = target.platform;
      const trimmer = setInterval(() => trimAppLogs(platform), 1_000);
      cleanups.push(async () => {
        clearInterval(trimmer);
        trimAppLogs(platform);
        await platform.stop();
      });
    }
    console.log(
      `[bench] ${target.mode}: gateway ${target.gatewayUrl}, database ${target.ordersDatabase}`,
    );
    const classify = classifier(target);

    const mongo = await MongoClient.connect(target.mongoUrl, { serverSelectionTimeoutMS: 5_000 });
    cleanups.push(() => mongo.close());
    const ordersDb: Db = mongo.db(target.ordersDatabase);
    const scratchDatabase = `bench_platform_${runId}`;
    cleanups.push(() => mongo.db(scratchDatabase).dropDatabase());
    const serverStatus = (await mongo.db('admin').command({ serverStatus: 1 })) as {
      ferretdbVersion?: string;
      version?: string;
    };
    const storeName = serverStatus.ferretdbVersion
      ? `FerretDB ${serverStatus.ferretdbVersion}`
      : `MongoDB ${serverStatus.version ?? ''}`;
    notes.push(`store: ${storeName} at ${target.mongoUrl}`);

    // Data: products to read and products with ample stock for the saga.
    const api = new ShopApi(target.gatewayUrl);
    const admin = await api.logIn(adminEmail, adminPassword);
    const readIds: string[] = [];
    for (let index = 0; index < 20; index += 1) readIds.push((await admin.createProduct(100)).id);
    const sagaIds: string[] = [];
    for (let index = 0; index < 8; index += 1)
      sagaIds.push((await admin.createProduct(1_000_000, 1_250)).id);
    const customer = await api.signUp(`bench-${runId}@example.com`);

    // Children: the load generator and the hand-written floor.
    const floorQueue = `${target.queuePrefix}bench-floor-${runId}`;
    const childEnv = {
      RABBITMQ_URL: target.rabbitmqUrl,
      MONGO_URL: target.mongoUrl,
      FLOOR_QUEUE: floorQueue,
      FLOOR_MONGO_DB: target.ordersDatabase,
      FLOOR_USERS_DATABASE_URL: target.usersDatabaseUrl,
      JWT_SECRET: target.jwtSecret,
    };
    const load = await LoadGenerator.start();
    cleanups.push(() => load.stop());
    const responder = await startChild('floor responder', 'floor-responder.ts', childEnv);
    cleanups.push(async () => {
      await stopChild(responder);
      const connection = await connect(target.rabbitmqUrl);
      const channel = await connection.createChannel();
      await channel.deleteQueue(floorQueue);
      await connection.close();
    });
    const floorHttp = await startChild('floor http', 'floor-http.ts', childEnv);
    cleanups.push(() => stopChild(floorHttp));
    const floorUrl = `http://127.0.0.1:${floorHttp.ready.port}`;

    // Orders first, unmeasured, so that the saga is measured warm, as a running shop is.
    const warmDriver = new SagaDriver({
      api: customer,
      orders: ordersDb,
      productIds: sagaIds,
      pollIntervalMs: options.pollMs,
      settleTimeoutMs: 30_000,
    });
    if (options.only.has('saga') && options.sagaWarmupOrders > 0) {
      console.log(`[bench] saga warm-up: ${options.sagaWarmupOrders} orders, unmeasured ...`);
      await warmDriver.closedLoop(options.sagaWarmupOrders, options.sagaConcurrency);
    }
    const lastSetupWriteAt = performance.now();

    const plan = buildPlan(options, {
      gatewayUrl: target.gatewayUrl,
      floorUrl,
      rabbitmqUrl: target.rabbitmqUrl,
      floorQueue,
      readIds,
      customerToken: customer.token!,
    });
    if (options.prewarmMs > 0 && plan.length > 0) {
      // Our apps, the floor and the load generator all run from freshly started processes: one
      // unmeasured pass over every case lets the JIT settle before anything counts.
      console.log(`[bench] pre-warming every case for ${options.prewarmMs / 1000} s ...`);
      for (const { job } of plan)
        await load.run({ ...job, warmupMs: 0, durationMs: options.prewarmMs });
    }
    const measured: CaseRow[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const { job, ...row } of plan) {
        const { result, cpu } = await measure(load, classify, job);
        console.log(
          `[bench] round ${round} ${row.label} c${row.concurrency}: ${fmt(result.perSecond)} /s p50 ${ms(result.p50)} p99 ${ms(result.p99)} errors ${result.errors}`,
        );
        if (result.errors > 0 && result.errorSamples.length > 0)
          notes.push(
            `${row.label} c${row.concurrency} round ${round}: ${result.errorSamples.join('; ')}`,
          );
        measured.push({ ...row, result, cpu, round });
      }
    }
    // Best round per case: interference from other work only ever slows a case down.
    const rows: CaseRow[] = plan.map(({ key }) =>
      measured
        .filter((row) => row.key === key)
        .reduce((best, row) => (row.result.perSecond > best.result.perSecond ? row : best)),
    );

    const saga = options.only.has('saga')
      ? await runSaga(options, {
          load,
          mongo,
          ordersDb,
          target,
          scratchDatabase,
          readIds,
          sagaIds,
          customer,
          isFerret: Boolean(serverStatus.ferretdbVersion),
          storeName,
          lastSetupWriteAt,
          classify,
        })
      : undefined;
    notes.push(...appLogs.errors.map((line) => `app error log: ${line}`));

    const summary = summarize(options, rows, saga);
    const before = options.saveBefore ? undefined : readSummary(options.before);
    if (before && !before.settings.startsWith(summary.settings))
      notes.push(
        `the before figures were taken at ${before.settings}, this run at ${summary.settings}`,
      );
    const report = renderReport(options, target, rows, saga, before, {
      startedAt,
      loadStart,
      loadEnd: loadavg(),
      wallSeconds: (performance.now() - wallStart) / 1000,
      notes,
    });
    console.log('');
    console.log(report);
    writeFileSync(options.out, report);
    if (options.saveBefore) {
      writeSummary(options.before, summary);
      console.log(
        `[bench] this run's figures are now the before: ${relative(process.cwd(), options.before)}`,
      );
    }
    console.log(`[bench] written to ${relative(process.cwd(), options.out)}`);
  } finally {
    clearTimeout(watchdog);
    await tearDown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
