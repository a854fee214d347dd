import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { appNamed } from '../../scripts/lib/app-list';
import { eventually } from './eventually';

/** An app of apps.json; a name that is none fails at the start. */
export type AppName = string;

/** The apps' LOG_LEVEL values (BaseEnv). */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** How an app's process is started: which script node runs, where, with which variables. */
export interface AppLauncher {
  /**
   * Node's arguments (flags and script) and the working directory of the app's process, and
   * the Node binary when it is not the one running the test.
   */
  command(app: AppName): { args: string[]; cwd: string; executable?: string };
  /** The variables the process starts with, under the test's own. */
  inheritedVariables(): NodeJS.ProcessEnv;
}

const root = join(__dirname, '..', '..');

/**
 * The Node.js binary npm start runs the apps on (scripts/platform-node.sh: the production
 * image's major, or PLATFORM_NODE's choice, checked), whatever Node runs jest, so the suites
 * test what users run.
 */
export function resolvePlatformNode(): string {
  const resolved = execFileSync('bash', [join(root, 'scripts', 'platform-node.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  process.env.PLATFORM_NODE = resolved;
  return resolved;
}

/**
 * {@link resolvePlatformNode}, once: the global setup resolves it and leaves the binary's path
 * in PLATFORM_NODE for the test files and the processes they start.
 */
export function platformNode(): string {
  const known = process.env.PLATFORM_NODE;
  return known && isAbsolute(known) ? known : resolvePlatformNode();
}

/**
 * The app's TypeScript source, compiled as it loads (SWC), on {@link platformNode}, with this
 * process's variables.
 */
export const fromSource: AppLauncher = {
  command: (app) => ({
    args: ['-r', '@swc-node/register', join('apps', app, 'src', 'main.ts')],
    cwd: root,
    executable: platformNode(),
  }),
  inheritedVariables: () => process.env,
};

export interface AppProcessOptions {
  /** Default {@link fromSource}; test/image runs the production bundles. */
  launcher?: AppLauncher;
  /**
   * LOG_LEVEL of the app, whatever the variables say. Default 'log': tests read access and
   * message lines (correlation ids, shutdown messages); a benchmark asks for 'warn'.
   */
  logLevel?: LogLevel;
  /**
   * LOG_FORMAT of the app. Default 'json', which tests read; a benchmark of `npm start`'s
   * defaults asks for 'pretty' (each line's level is still recognised).
   */
  logFormat?: 'json' | 'pretty';
  /** How long an app may take to answer /health after its start. Default 30 s. */
  startTimeoutMs?: number;
}

/** A port nobody listens on right now; the app binds it a moment later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The level of a line in the readable format (libs/platform/src/logging/readable-lines.ts).
const readableLevel = /^\[[\d:.]+\] (?:\x1b\[\d+m)?([A-Z]+)/;
const readableLevels: Record<string, number> = {
  TRACE: 10,
  DEBUG: 20,
  INFO: 30,
  WARN: 40,
  ERROR: 50,
  FATAL: 60,
};

/** A log line of one of our apps (pino JSON). */
export interface LogLine {
  level: number;
  service?: string;
  message?: string;
  correlationId?: string;
  [field: string]: unknown;
}

/**
 * One app as its own OS process, run from source unless told otherwise, so tests can kill it
 * (SIGKILL, SIGTERM) and read every line it logs.
 */
export class AppProcess {
  readonly lines: LogLine[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly app: AppName,
    private readonly child: ChildProcess,
    /** The app's own HTTP port (the gateway's API, a service's health endpoint). */
    readonly httpPort: number,
    readonly logLevel: LogLevel,
  ) {
    const reader = createInterface({ input: child.stdout! });
    reader.on('line', (line) => {
      if (line.startsWith('{')) {
        try {
          this.lines.push(JSON.parse(line) as LogLine);
          return;
        } catch {
          // Not one of our JSON lines after all: kept as text below.
        }
      }
      this.lines.push({
        level: readableLevels[readableLevel.exec(line)?.[1] ?? ''] ?? 30,
        message: line,
      });
    });
    child.stderr!.on('data', (chunk: Buffer) =>
      this.lines.push({ level: 50, message: chunk.toString() }),
    );
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(
    app: AppName,
    variables: Record<string, string>,
    {
      launcher = fromSource,
      logLevel = 'log',
      logFormat = 'json',
      startTimeoutMs = 30_000,
    }: AppProcessOptions = {},
  ): Promise<AppProcess> {
    const { httpPortVariable } = appNamed(app);
    // Chosen here rather than port 0, so readiness does not depend on a line the log level
    // may silence.
    const httpPort = await freePort();
    const { args, cwd, executable = process.execPath } = launcher.command(app);
    const child = spawn(executable, args, {
      cwd,
      env: {
        ...launcher.inheritedVariables(),
        ...variables,
        [httpPortVariable]: String(httpPort),
        LOG_FORMAT: logFormat,
        LOG_LEVEL: logLevel,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new AppProcess(app, child, httpPort, logLevel);
    try {
      await started.waitUntilListening(startTimeoutMs);
    } catch (error) {
      // A process that never became ready must not outlive the test that started it.
      await started.stop('SIGKILL');
      throw error;
    }
    return started;
  }

  /** Saga owners and logs name the process by its pid. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** How the process ended (`{ code: 1 }`, `{ signal: 'SIGKILL' }`), or undefined while it runs. */
  get exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    const { exitCode: code, signalCode: signal } = this.child;
    return code === null && signal === null ? undefined : { code, signal };
  }

  /** Sends a signal without waiting for anything (SIGSTOP and SIGCONT pause and continue it). */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  waitForLine(
    matches: (line: LogLine) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<LogLine> {
    return eventually(() => this.lines.find(matches), timeoutMs, `${this.app} to log ${what}`);
  }

  /** Sends the signal and waits until the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
      // A process paused with SIGSTOP acts on the signal only once it runs again.
      this.child.kill('SIGCONT');
    }
    return this.exited;
  }

  /** The app listens last, after its consumers are up: any HTTP answer means it is ready. */
  private async waitUntilListening(timeoutMs: number): Promise<void> {
    let hasExited = false;
    const exitedEarly = this.exited.then((code) => {
      hasExited = true;
      const output = this.lines.map((line) => line.message ?? JSON.stringify(line)).join('\n');
      throw new Error(`${this.app} exited with ${code} before it was ready:\n${output}`);
    });
    const answers = eventually(
      async () => {
        if (hasExited) return false;
        try {
          await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
          return true;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
      `${this.app} to answer at ${this.url}/health`,
    );
    await Promise.race([answers, exitedEarly]);
  }
}
