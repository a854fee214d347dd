import { readFileSync, readdirSync } from 'node:fs';

/** CPU time of every process on the machine, read from /proc (Linux only; empty elsewhere). */
interface ProcessSample {
  ppid: number;
  comm: string;
  cmdline: string;
  ticks: number;
}

export interface CpuSnapshot {
  at: number;
  processes: Map<number, ProcessSample>;
  /** Machine-wide idle ticks and total ticks (all cores) from /proc/stat. */
  idle: number;
  total: number;
}

const TICKS_PER_SECOND = 100;

function readProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: split after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return {
      ppid: Number(fields[1]),
      comm,
      cmdline,
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined;
  }
}

export function snapshot(): CpuSnapshot {
  const processes = new Map<number, ProcessSample>();
  let idle = 0;
  let total = 0;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const sample = readProcess(Number(entry));
      if (sample) processes.set(Number(entry), sample);
    }
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    idle = cpu[3] + (cpu[4] || 0);
    total = cpu.slice(0, 8).reduce((sum, value) => sum + (value || 0), 0);
  } catch {
    // Not Linux: no CPU breakdown.
  }
  return { at: performance.now(), processes, idle, total };
}

/** Names a process for the breakdown, or undefined to count it as "other". */
export type Classifier = (
  pid: number,
  sample: { comm: string; cmdline: string; ppid: number },
  isOurs: boolean,
) => string | undefined;

/**
 * CPU used between two snapshots, per group, in percent of one core (the machine has
 * `cores * 100`). Processes started in between count from zero; ended ones are lost.
 */
export function cpuBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  classify: Classifier,
): { byGroup: Record<string, number>; idlePercent: number; seconds: number } {
  const seconds = (after.at - before.at) / 1000;
  const ours = new Set<number>([process.pid]);
  // Descendants of this process (children of children too), found through ppid.
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, sample] of after.processes) {
      if (!ours.has(pid) && ours.has(sample.ppid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  const byGroup: Record<string, number> = {};
  for (const [pid, sample] of after.processes) {
    const ticks = sample.ticks - (before.processes.get(pid)?.ticks ?? 0);
    if (ticks <= 0) continue;
    const group = classify(pid, sample, ours.has(pid)) ?? 'other';
    byGroup[group] = (byGroup[group] ?? 0) + ticks;
  }
  for (const group of Object.keys(byGroup))
    byGroup[group] = (byGroup[group] / TICKS_PER_SECOND / seconds) * 100;
  const totalTicks = after.total - before.total;
  const idlePercent = totalTicks > 0 ? ((after.idle - before.idle) / totalTicks) * 100 : Number.NaN;
  return { byGroup, idlePercent, seconds };
}
