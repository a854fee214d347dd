import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AppLauncher, AppName } from '../harness/app-process';

const run = promisify(execFile);

const root = join(__dirname, '..', '..');

export const apps = [
  'gateway',
  'users',
  'orders',
  'payments',
] as const satisfies readonly AppName[];

/**
 * The Dockerfile's commands this file runs by hand, word for word: the suite checks that the
 * Dockerfile still says them, so the two cannot drift apart unnoticed.
 */
export const dockerfileSteps = {
  build: 'npx nest build "$APP"',
  prune: 'npm prune --omit=dev --omit=optional',
  copyModules: 'COPY --from=build /app/node_modules ./node_modules',
  copyBundle: 'COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}',
  start: 'exec node dist/apps/$APP/main.js',
} as const;

/** The Node.js major the Dockerfile's stages run (`FROM node:<major>…`); they must agree. */
export function dockerfileNodeMajor(): string {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const majors = new Set(
    [...dockerfile.matchAll(/^FROM node:(\d+)\b/gm)].map((match) => match[1]!),
  );
  if (majors.size !== 1)
    throw new Error(
      `The Dockerfile's stages must run one Node.js major; they name ${[...majors].join(', ') || 'none'}`,
    );
  return [...majors][0]!;
}

/**
 * The Node.js binary of {@link dockerfileNodeMajor}, so the bundles are built and tested on the
 * runtime users deploy, whatever Node runs the tests.
 */
function imageNodeRuntime(): string {
  return execFileSync('bash', [join(root, 'scripts', 'node-runtime.sh'), dockerfileNodeMajor()], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** What `docker build .` sends: the repository's top-level entries that .dockerignore keeps. */
function copyBuildContext(destination: string): void {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  // Docker anchors a pattern at the context's root, so one without a slash only ever names a
  // top-level entry; that is all .dockerignore uses today and all this copy understands.
  const unsupported = patterns.find((pattern) => /[/!\[\\]/.test(pattern));
  if (unsupported)
    throw new Error(`.dockerignore pattern "${unsupported}" is beyond what test/image copies`);
  const ignored = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ),
  );
  for (const entry of readdirSync(root)) {
    if (ignored.some((pattern) => pattern.test(entry))) continue;
    cpSync(join(root, entry), join(destination, entry), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
}

/**
 * Runs a command of the Dockerfile's build stage in the shell, as RUN does. The stage sets no
 * NODE_ENV: jest's 'test' must not leak into it.
 */
async function runBuildStep(
  command: string,
  cwd: string,
  node: string,
  variables: Record<string, string> = {},
): Promise<void> {
  const { NODE_ENV: _testNodeEnv, ...inherited } = process.env;
  try {
    await run('sh', ['-c', command], {
      cwd,
      // The stage's `node` (npx and npm scripts run on it), not the test runner's.
      env: { ...inherited, ...variables, PATH: [dirname(node), process.env.PATH].join(delimiter) },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} failed:\n${stdout}\n${stderr}`.trim());
  }
}

/**
 * Node looks for packages in every node_modules above a script; one there would hide a
 * dependency the image lacks.
 */
function assertNoModulesAbove(folder: string): void {
  for (let parent = dirname(folder); ; parent = dirname(parent)) {
    if (existsSync(join(parent, 'node_modules')))
      throw new Error(
        `${parent}/node_modules would be visible to the bundles: choose another TMPDIR`,
      );
    if (dirname(parent) === parent) return;
  }
}

export interface ProductionImage {
  /** The runtime stage's /app: node_modules and dist/apps/<app>/main.js of every app. */
  folder: string;
  /** The runtime stage's Node.js ({@link imageNodeRuntime}). */
  node: string;
  /** Starts an app as the image's CMD does, with no variable of the test runner. */
  launcher: AppLauncher;
  /** How long each step took, for the CI log: the bundles cost most. */
  stepDurationsMs: Record<string, number>;
  dispose(): void;
}

/**
 * The four images' files without a Docker engine: the build stage's commands in a copy of the
 * build context (with this checkout's node_modules standing in for the dependencies stage's
 * `npm ci`), then the runtime stage's two folders in a fresh directory outside the repository,
 * so the bundles can reach nothing of the source tree. One folder serves the four apps: their
 * images differ only in the bundle, and a bundle never loads another app's.
 */
export async function assembleProductionImage(): Promise<ProductionImage> {
  const scratch = mkdtempSync(join(tmpdir(), 'shop-image-'));
  const dispose = () => rmSync(scratch, { recursive: true, force: true });
  const stepDurationsMs: Record<string, number> = {};
  const timed = async (step: string, work: () => unknown) => {
    const startedAt = Date.now();
    await work();
    stepDurationsMs[step] = Date.now() - startedAt;
  };
  try {
    const node = imageNodeRuntime();
    const build = join(scratch, 'build');
    const folder = join(scratch, 'app');
    mkdirSync(build);
    await timed('context and node_modules copied', () => {
      copyBuildContext(build);
      return runBuildStep('cp -a "$MODULES" node_modules', build, node, {
        MODULES: realpathSync(join(root, 'node_modules')),
      });
    });
    // The images are built side by side, as `docker compose build` does.
    await timed('4 bundles built', () =>
      Promise.all(
        apps.map((app) => runBuildStep(dockerfileSteps.build, build, node, { APP: app })),
      ),
    );
    await timed('pruned', () => runBuildStep(dockerfileSteps.prune, build, node));

    mkdirSync(join(folder, 'dist', 'apps'), { recursive: true });
    renameSync(join(build, 'node_modules'), join(folder, 'node_modules'));
    for (const app of apps)
      renameSync(join(build, 'dist', 'apps', app), join(folder, 'dist', 'apps', app));
    rmSync(build, { recursive: true, force: true });
    assertNoModulesAbove(folder);

    return {
      folder,
      node,
      launcher: {
        command: (app) => ({
          executable: node,
          args: [join('dist', 'apps', app, 'main.js')],
          cwd: folder,
        }),
        // A container starts with the image's variables only (and runs as the image's `node`
        // user, which a test without Docker cannot switch to: these processes run as the
        // test's user).
        inheritedVariables: () => ({ PATH: process.env.PATH }),
      },
      stepDurationsMs,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}
