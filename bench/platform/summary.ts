/*
 * The figures of one bench run in a file a later run can be compared with: `--save-before`
 * writes them, every run prints them beside its own ("before" columns) when
 * bench/platform/before.json (or --before=<file>) exists. Throughputs of two runs are only
 * comparable on the same machine at the same settings: the file records both.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface CaseFigures {
  label: string;
  perSecond: number;
  p99: number;
  /** CPU of the app processes on the path per request (µs), or per order (ms) for the saga. */
  cpu?: number;
}

export interface BenchSummary {
  date: string;
  commit: string;
  settings: string;
  cases: Record<string, CaseFigures>;
}

export function readSummary(file: string): BenchSummary | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchSummary) : undefined;
}

export function writeSummary(file: string, summary: BenchSummary): void {
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
}
