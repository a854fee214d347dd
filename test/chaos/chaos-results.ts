import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvariantReport } from '../harness/shop-invariants';

/** Git-ignored; the closing note of a change takes its figures from summary.md. */
export const resultsDirectory = join(__dirname, '..', '..', '.cache', 'chaos');
const resultsFile = join(resultsDirectory, 'results.jsonl');

/** An app that exited during a case, with what it logged last. */
export interface Crash {
  app: string;
  pid: number | undefined;
  exit: string;
  lastErrors: string[];
}

export interface CaseResult {
  suite: string;
  /** What was disrupted: "broker (all apps)", "postgres (users)", "payments process". */
  dependency: string;
  fault: string;
  ordersPlaced: number;
  ordersAccepted: number;
  confirmed: number;
  cancelled: number;
  /** Accepted orders still PENDING when the case gave up waiting. */
  unsettled: string[];
  /** How many answers of each kind the traffic got: `{ 'read profile 503': 4 }`. */
  answers: Record<string, number>;
  longestRequestMs: number;
  longestRequest: string;
  /** From the fault's removal until a new order confirmed and every read answered; null: never. */
  recoveryMs: number | null;
  /** What the last check of serving normally saw, when the platform never did. */
  notServingBecause?: string;
  crashes: Crash[];
  invariants: InvariantReport;
  /** Why the case failed, in words; empty when the platform survived. */
  failures: string[];
}

export function clearResults(): void {
  rmSync(resultsFile, { force: true });
}

export function recordResult(result: CaseResult): void {
  mkdirSync(resultsDirectory, { recursive: true });
  appendFileSync(resultsFile, `${JSON.stringify(result)}\n`);
}

export function readResults(): CaseResult[] {
  if (!existsSync(resultsFile)) return [];
  return readFileSync(resultsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CaseResult);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A Markdown table, one row per case, then the evidence of every failure. */
export function summaryOf(results: CaseResult[]): string {
  const rows = results.map((result) =>
    [
      result.dependency,
      result.fault,
      result.ordersPlaced,
      result.ordersAccepted,
      result.confirmed,
      result.cancelled,
      `${seconds(result.longestRequestMs)} (${result.longestRequest})`,
      result.recoveryMs === null ? 'never' : seconds(result.recoveryMs),
      result.failures.length === 0 ? 'ok' : `**FAILED**: ${result.failures.join('; ')}`,
    ].join(' | '),
  );
  const evidence = results.flatMap((result) =>
    result.crashes.map(
      (crash) =>
        `### ${crash.app} (pid ${crash.pid}) ${crash.exit} under ${result.fault}, ${result.dependency}\n\n` +
        '```\n' +
        `${crash.lastErrors.join('\n')}\n` +
        '```\n',
    ),
  );
  return [
    '| dependency | fault | orders placed | accepted | confirmed | cancelled | longest request | serves normally after | result |',
    '|---|---|---:|---:|---:|---:|---|---:|---|',
    ...rows.map((row) => `| ${row} |`),
    '',
    ...(evidence.length ? ['## Crashes', '', ...evidence] : []),
  ].join('\n');
}
