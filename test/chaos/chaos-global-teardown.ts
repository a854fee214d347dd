import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import globalTeardown from '../harness/global-teardown';
import { readResults, resultsDirectory, summaryOf } from './chaos-results';

/** Prints the table of every case of the run and keeps it in .cache/chaos/summary.md. */
export default function chaosGlobalTeardown(): void {
  const results = readResults();
  if (results.length > 0) {
    const file = join(resultsDirectory, 'summary.md');
    const summary = `# Chaos run ${new Date().toISOString()}\n\n${summaryOf(results)}\n`;
    writeFileSync(file, summary);
    process.stdout.write(`\n${summary}\n(also in ${file})\n`);
  }
  globalTeardown();
}
