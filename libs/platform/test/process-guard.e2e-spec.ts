import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

describe('the process guard', () => {
  it('logs an unhandled rejection, closes the app and exits 1', () => {
    const result = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'fixtures', 'app-with-unhandled-rejection.ts')],
      { cwd: root, encoding: 'utf8', timeout: 30_000 },
    );

    expect({
      status: result.status,
      loggedTheError: result.stdout.includes('a peer went away in a way nobody handled'),
      closed: result.stdout.includes('app closed'),
    }).toEqual({ status: 1, loggedTheError: true, closed: true });
  });
});
