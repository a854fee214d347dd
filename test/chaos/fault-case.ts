import { AppName } from '../harness/app-process';
import { DependencyLink, Fault, describeFault } from '../harness/dependency-link';
import { eventually } from '../harness/eventually';
import { ProcessPlatform } from '../harness/process-platform';
import { InvariantReport, checkShopInvariants, isSettled } from '../harness/shop-invariants';
import { CaseResult, Crash, recordResult } from './chaos-results';
import { ChaosShop } from './chaos-shop';
import { RequestOutcome, ShopTraffic } from './shop-traffic';

/**
 * The longest an HTTP request may take. The gateway calls one service per request: an attempt
 * has RPC_TIMEOUT_MS (2 s in chaosVariables), an idempotent call up to 3 attempts with backoff
 * of at most 2 s between them: 3 × 2 s + 2 × 2 s.
 */
export const httpDeadlineMs = 10_000;
/** After a fault is removed, the platform serves normally within this. */
export const recoveryBoundMs = 30_000;
/**
 * How long a network fault lasts: more than two RabbitMQ heartbeats at amqp-connection-manager's
 * default of 5 s (the broker and the client then give up on a silent connection), several RPC
 * deadlines and a breaker's open window.
 */
export const faultDurationMs = 12_000;

/** The client gives up on a request after this, and counts it as hung. */
const clientGiveUpMs = 30_000;
/** Recovery is measured up to this, so a slow one still gets a figure. */
const recoveryGiveUpMs = 90_000;
/** Orders accepted during a case must have settled this long after recovery. */
const settleTimeoutMs = 60_000;
/**
 * Orders whose request failed may exist too; the orders service's sweeper starts their sagas
 * after a 5 s grace period, sweeping every 5 s, so they settle well within this.
 */
const orphansSettleTimeoutMs = 20_000;

/** The network faults every dependency is put through, mildest first. */
export const networkFaults: Fault[] = [
  { kind: 'latency', latencyMs: 300, jitterMs: 100 },
  { kind: 'bandwidth', rateKBps: 8 },
  { kind: 'reset_peer' },
  { kind: 'timeout' },
  { kind: 'cut' },
];

/** Something that goes wrong for a while and is then put right. */
export interface Disruption {
  /** What is disrupted, for the results table: "postgres (users)". */
  dependency: string;
  fault: string;
  start(): Promise<void>;
  /** Resolves when the disruption has lasted long enough: a fixed time or an observed effect. */
  hold(): Promise<void>;
  end(): Promise<void>;
}

export function networkDisruption(
  dependency: string,
  links: DependencyLink[],
  fault: Fault,
): Disruption {
  return {
    dependency,
    fault: describeFault(fault),
    start: async () => {
      for (const link of links) await link.inject(fault);
    },
    // The fault's duration is what is under test here, not a wait for a condition.
    hold: () => new Promise((resolve) => setTimeout(resolve, faultDurationMs)),
    end: async () => {
      for (const link of links) await link.restore();
    },
  };
}

/**
 * One read of each service, then an order that must confirm: the platform serves normally.
 * Resolves to undefined when it does, else to what went wrong.
 */
async function whyNotServingNormally(
  shop: ChaosShop,
  productId: string,
): Promise<string | undefined> {
  const customer = shop.customer.withRequestTimeout(httpDeadlineMs);
  const paths = ['/health/ready', `/api/products/${productId}`, '/api/users/me', '/api/invoices'];
  try {
    const reads = await Promise.all(paths.map((path) => customer.request('GET', path)));
    const failed = reads.findIndex((read) => read.status !== 200);
    if (failed >= 0)
      return `GET ${paths[failed]} ${reads[failed].status} ${JSON.stringify(reads[failed].body).slice(0, 300)}`;
    const placed = await customer.placeOrder(productId, 1);
    if (placed.status !== 202) return `POST /api/orders ${placed.status}`;
    const statuses = await shop.settle([placed.body.id], 15_000);
    const status = statuses.get(placed.body.id);
    if (status === 'CONFIRMED') return undefined;
    const order = await customer.order(placed.body.id);
    return `a new order ended ${status}: ${order.body.failureReason ?? 'no reason given'}`;
  } catch (error) {
    return `no answer: ${String(error)}`;
  }
}

function exitedApps(platform: ProcessPlatform): AppName[] {
  return platform.processes.filter((app) => app.exitStatus).map((app) => app.app);
}

/**
 * ms from `since` until the platform serves normally, or null if an app died or it never did,
 * with what the last attempt saw.
 */
async function timeToServeNormally(
  shop: ChaosShop,
  productId: string,
  since: number,
): Promise<{ recoveryMs: number | null; lastProblem?: string }> {
  let lastProblem: string | undefined;
  try {
    const recoveryMs = await eventually(
      async () => {
        if (exitedApps(shop.platform).length > 0) return null;
        lastProblem = await whyNotServingNormally(shop, productId);
        return lastProblem === undefined ? performance.now() - since : undefined;
      },
      recoveryGiveUpMs,
      'the platform to serve normally again',
      250,
    );
    return { recoveryMs, lastProblem };
  } catch {
    return { recoveryMs: null, lastProblem };
  }
}

/** Records the apps that exited, with their last warnings and errors, and starts them again. */
async function restartExitedApps(platform: ProcessPlatform): Promise<Crash[]> {
  const crashes: Crash[] = [];
  for (const name of exitedApps(platform)) {
    const app = platform.app(name);
    const status = app.exitStatus!;
    crashes.push({
      app: name,
      pid: app.pid,
      exit: status.signal ? `killed by ${status.signal}` : `exited with code ${status.code}`,
      lastErrors: app.lines
        .filter((line) => line.level >= 40)
        .slice(-12)
        .map((line) => `${line.message ?? ''} ${line.err ? JSON.stringify(line.err) : ''}`)
        .map((text) => text.trim().slice(0, 600)),
    });
    // The next case needs the whole platform; the crash is already recorded as a failure.
    await platform.startApp(name);
  }
  return crashes;
}

/** The violations this case caused, once none of its orders is pending any more. */
async function newViolations(shop: ChaosShop): Promise<InvariantReport> {
  // Orders whose request died with a fault may exist too: the sweeper finishes them.
  let report: InvariantReport;
  try {
    report = await eventually(
      async () => {
        const current = await checkShopInvariants(shop.platform.environment);
        return isSettled(shop.unreported(current)) ? current : undefined;
      },
      orphansSettleTimeoutMs,
      'every order to settle',
      500,
    );
  } catch {
    report = await checkShopInvariants(shop.platform.environment);
  }
  const violations = shop.unreported(report);
  shop.markReported(report);
  return violations;
}

function longest(outcomes: RequestOutcome[]): RequestOutcome | undefined {
  return outcomes.reduce<RequestOutcome | undefined>(
    (slowest, outcome) =>
      slowest === undefined || outcome.durationMs > slowest.durationMs ? outcome : slowest,
    undefined,
  );
}

/** What the platform promises under any fault (ARCHITECTURE.md, "Faults we must survive"). */
export function failuresOf(result: Omit<CaseResult, 'failures'>): string[] {
  const failures: string[] = [];
  for (const crash of result.crashes) failures.push(`${crash.app} ${crash.exit}`);
  if (result.unsettled.length > 0)
    failures.push(`${result.unsettled.length} accepted orders still PENDING`);
  if (result.longestRequestMs > httpDeadlineMs)
    failures.push(
      `a request took ${Math.round(result.longestRequestMs)} ms (${result.longestRequest}), over the ${httpDeadlineMs} ms deadline`,
    );
  // While a dependency is gone the gateway answers fast and honestly: 503 or 504, nothing else.
  const dishonest = Object.entries(result.answers).filter(
    ([answer]) => !/ (200|202|503|504)$/.test(answer),
  );
  if (dishonest.length > 0)
    failures.push(
      `answers other than 200/202/503/504: ${dishonest.map(([answer, count]) => `${answer} ×${count}`).join(', ')}`,
    );
  if (result.recoveryMs === null)
    failures.push(
      `never served normally again (last: ${result.notServingBecause ?? 'an app exited'})`,
    );
  else if (result.recoveryMs > recoveryBoundMs)
    failures.push(
      `served normally only ${Math.round(result.recoveryMs)} ms after the fault, over ${recoveryBoundMs} ms`,
    );
  // healthyShop: every list of the report is empty.
  for (const [invariant, orderIds] of Object.entries(result.invariants) as [string, string[]][])
    if (orderIds.length > 0)
      failures.push(`${invariant}: ${orderIds.length} (${orderIds.slice(0, 3).join(', ')})`);
  return failures;
}

/**
 * Places orders before, during and after the disruption and reports what happened to them:
 * crashes, the longest request, how long until the platform served normally again, and the
 * shop's invariants. Crashed apps are started again, so the next case finds a whole platform.
 */
export async function runCase(
  suite: string,
  shop: ChaosShop,
  disruption: Disruption,
): Promise<CaseResult> {
  const productId = await shop.newProduct();
  await eventually(
    async () => ((await whyNotServingNormally(shop, productId)) === undefined ? true : undefined),
    recoveryGiveUpMs,
    'the platform to serve normally before the fault',
    250,
  );
  const traffic = new ShopTraffic(shop.customer.withRequestTimeout(clientGiveUpMs), productId, {
    intervalMs: 250,
    maxInFlight: 8,
  });
  let outcomes: RequestOutcome[];
  let recovery: Awaited<ReturnType<typeof timeToServeNormally>>;
  traffic.start();
  try {
    await eventually(
      () => (traffic.acceptedOrderIds.length >= 3 ? true : undefined),
      30_000,
      'orders to be accepted before the fault',
    );
    try {
      await disruption.start();
      await disruption.hold();
    } finally {
      await disruption.end();
    }
    recovery = await timeToServeNormally(shop, productId, performance.now());
  } finally {
    outcomes = await traffic.stop();
  }
  const crashes = await restartExitedApps(shop.platform);

  const accepted = traffic.acceptedOrderIds;
  const statuses = await shop.settle(accepted, settleTimeoutMs);
  const invariants = await newViolations(shop);
  const slowest = longest(outcomes);
  const answers: Record<string, number> = {};
  for (const { what, status } of outcomes)
    answers[`${what} ${status}`] = (answers[`${what} ${status}`] ?? 0) + 1;
  const counted = (status: string) => accepted.filter((id) => statuses.get(id) === status);
  const partial = {
    suite,
    dependency: disruption.dependency,
    fault: disruption.fault,
    ordersPlaced: outcomes.filter((outcome) => outcome.what === 'place order').length,
    ordersAccepted: accepted.length,
    confirmed: counted('CONFIRMED').length,
    cancelled: counted('CANCELLED').length,
    unsettled: accepted.filter(
      (id) => statuses.get(id) !== 'CONFIRMED' && statuses.get(id) !== 'CANCELLED',
    ),
    answers,
    longestRequestMs: slowest?.durationMs ?? 0,
    longestRequest: slowest ? `${slowest.what}, ${slowest.status}` : 'none',
    recoveryMs: recovery.recoveryMs,
    ...(recovery.recoveryMs === null && { notServingBecause: recovery.lastProblem }),
    crashes,
    invariants,
  };
  const result = { ...partial, failures: failuresOf(partial) };
  recordResult(result);
  return result;
}
