import type { Config } from '@jest/types';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { resolvePlatformNode } from './app-process';

const scripts = join(__dirname, '..', '..', 'scripts');
const tracingSuite = join('test', 'tracing.e2e-spec.ts');

/** True unless the run was narrowed to paths that leave the tracing suite out. */
function runsTracingSuite(globalConfig: Config.GlobalConfig | undefined): boolean {
  if (!globalConfig) return false;
  const patterns = globalConfig.testPathPattern;
  return !patterns || new RegExp(patterns, 'i').test(tracingSuite);
}

/**
 * Makes sure PostgreSQL, RabbitMQ and a MongoDB-compatible server answer before any suite
 * runs. A FerretDB this run had to start is stopped again by the global teardown. When the
 * tracing suite is part of the run, Jaeger is built here, once (about 4 minutes on a fresh
 * clone), so that no suite's timeout has to cover the build; the suite starts its own Jaeger.
 */
export default function globalSetup(globalConfig?: Config.GlobalConfig): void {
  const result = spawnSync('bash', [join(scripts, 'infra.sh'), 'up'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new Error(`Test infrastructure is not available:\n${result.stderr}`);
  }
  process.env.SHOP_TEST_STARTED_FERRETDB = result.stderr.includes('started FerretDB') ? '1' : '';
  // Here, so that fetching it the first time counts against no suite's timeout, and a
  // PLATFORM_NODE given by hand is checked once.
  resolvePlatformNode();
  if (runsTracingSuite(globalConfig)) buildJaeger();
}

function buildJaeger(): void {
  // Its "building Jaeger ... (first time only, about 4 minutes)" line goes straight to the
  // terminal, so a cold first run says why it waits.
  const result = spawnSync('bash', [join(scripts, 'jaeger.sh'), 'build'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error('scripts/jaeger.sh build failed (see above)');
}
