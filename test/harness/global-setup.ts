import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const infraScript = join(__dirname, '..', '..', 'scripts', 'infra.sh');

/**
 * Makes sure PostgreSQL, RabbitMQ and a MongoDB-compatible server answer before any suite
 * runs. A FerretDB this run had to start is stopped again by the global teardown.
 */
export default function globalSetup(): void {
  const result = spawnSync('bash', [infraScript, 'up'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new Error(`Test infrastructure is not available:\n${result.stderr}`);
  }
  process.env.SHOP_TEST_STARTED_FERRETDB = result.stderr.includes('started FerretDB') ? '1' : '';
}
