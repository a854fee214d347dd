import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium; playwright-core ships no browser and this machine cannot download one. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Without these Chromium phones home at start (updates, sync, field trials) and, with no
 * network but the package registries, stalls for tens of seconds before the first page.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Generous but bounded: a cold install fetches about 100 MB of packages.
const APT_UPDATE_DEADLINE_MS = 120_000;
const APT_INSTALL_DEADLINE_MS = 240_000;
const LAUNCH_DEADLINE_MS = 30_000;

function log(message: string): void {
  process.stderr.write(`[chromium] ${message}\n`);
}

async function isInstalled(): Promise<boolean> {
  try {
    await access(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function tailOf(output: string, lines = 20): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs one apt-get command, non-interactive, waiting for a dpkg lock another process holds. */
function aptGet(args: string[], timeoutMs: number): Promise<void> {
  const command = ['apt-get', '-o', 'DPkg::Lock::Timeout=120', ...args];
  log(`running: ${command.join(' ')}`);
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      command[0],
      command.slice(1),
      {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
        if (!error) {
          log(`done in ${seconds} s: ${command.join(' ')}`);
          resolve();
          return;
        }
        const reason = error.killed ? `did not finish within ${timeoutMs / 1000} s` : error.message;
        reject(
          new Error(
            `\`${command.join(' ')}\` failed after ${seconds} s (${reason}):\n${tailOf(`${stdout}\n${stderr}`)}`,
          ),
        );
      },
    );
  });
}

/**
 * Makes sure Debian's `chromium` is installed, installing it with apt-get when missing (as
 * CI does on a fresh machine: it runs as root and reaches Debian's mirror).
 */
export async function ensureChromiumInstalled(): Promise<void> {
  if (await isInstalled()) return;
  log(`${CHROMIUM_PATH} is missing: installing Debian's chromium package`);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${CHROMIUM_PATH} is missing and installing it needs root: run \`apt-get install -y --no-install-recommends chromium\` as root, then run the tests again`,
    );
  }
  try {
    await aptGet(['update'], APT_UPDATE_DEADLINE_MS);
    await aptGet(['install', '-y', '--no-install-recommends', 'chromium'], APT_INSTALL_DEADLINE_MS);
  } catch (error) {
    throw new Error(
      `Could not install Chromium for the browser tests: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!(await isInstalled()))
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
}

/**
 * Headless Chromium for tests, installed first when missing. Close it in afterAll.
 * `extraArgs` adds switches, e.g. `--host-resolver-rules=MAP shop.test 127.0.0.1`.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  await ensureChromiumInstalled();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: LAUNCH_DEADLINE_MS,
  });
}
