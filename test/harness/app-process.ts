import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { appNamed } from '../../scripts/lib/app-list';
import { eventually } from './eventually';

/** An app of apps.json; a name that is none fails at the start. */
export type AppName = string;

/** The apps' LOG_LEVEL values (BaseEnv). */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

export interface AppProcessOptions {
  /**
   * LOG_LEVEL of the app, whatever the variables say. Default 'log': tests read access and
   * message lines (correlation ids, shutdown messages); a benchmark asks for 'warn'.
   */
  logLevel?: LogLevel;
  /** How long an app may take to answer /health after its start. Default 30 s. */
  startTimeoutMs?: number;
}

/** A port nobody listens on right now; the app binds it a moment later. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const root = join(__dirname, '..', '..');

/** A log line of one of our apps (pino JSON). */
export interface LogLine {
  level: number;
  service?: string;
  message?: string;
  correlationId?: string;
  [field: string]: unknown;
}

/**
 * One app as its own OS process, run from source, so tests can kill it (SIGKILL, SIGTERM)
 * and read every line it logs.
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
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ level: 30, message: line });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) =>
      this.lines.push({ level: 50, message: chunk.toString() }),
    );
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(
    app: AppName,
    variables: Record<string, string>,
    { logLevel = 'log', startTimeoutMs = 30_000 }: AppProcessOptions = {},
  ): Promise<AppProcess> {
    const { httpPortVariable } = appNamed(app);
    // Chosen here rather than port 0, so readiness does not depend on a line the log level
    // may silence.
    const httpPort = await freePort();
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join('apps', app, 'src', 'main.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          ...variables,
          [httpPortVariable]: String(httpPort),
          LOG_FORMAT: 'json',
          LOG_LEVEL: logLevel,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
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
