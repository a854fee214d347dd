import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalTeardown(): void {
  if (process.env.SHOP_TEST_STARTED_FERRETDB !== '1') return;
  execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'infra.sh'), 'down'], {
    stdio: 'ignore',
  });
}
