import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Toxiproxy's API; scripts/toxiproxy.sh starts one there when none answers. */
export const toxiproxyUrl = process.env.TOXIPROXY_URL ?? 'http://127.0.0.1:8474';

const script = join(__dirname, '..', '..', 'scripts', 'toxiproxy.sh');
const run = promisify(execFile);

async function toxiproxyScript(command: 'up' | 'down'): Promise<string> {
  try {
    const { stderr } = await run('bash', [script, command], {
      env: { ...process.env, TOXIPROXY_URL: toxiproxyUrl },
      // The first `up` builds Toxiproxy with Go: seconds, a minute on a cold module cache.
      timeout: 300_000,
    });
    return stderr;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`scripts/toxiproxy.sh ${command} failed:\n${stderr}`);
  }
}

/**
 * Makes sure a Toxiproxy answers at `toxiproxyUrl`, building and starting it when needed.
 * Resolves to whether this call started it: only then should the caller stop it again.
 */
export async function startToxiproxy(): Promise<boolean> {
  return (await toxiproxyScript('up')).includes('started Toxiproxy');
}

/** Stops the Toxiproxy that scripts/toxiproxy.sh started (never one started by someone else). */
export async function stopToxiproxy(): Promise<void> {
  await toxiproxyScript('down');
}
