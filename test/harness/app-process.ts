import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from './eventually';

export type AppName = 'gateway' | 'users' | 'orders' | 'payments';

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
  private port?: number;

  private constructor(
    readonly app: AppName,
    private readonly child: ChildProcess,
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

  static async start(app: AppName, variables: Record<string, string>): Promise<AppProcess> {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join('apps', app, 'src', 'main.ts')],
      {
        cwd: root,
        env: { ...process.env, ...variables, LOG_FORMAT: 'json', LOG_LEVEL: 'log' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const started = new AppProcess(app, child);
    await started.waitUntilListening();
    return started;
  }

  /** The app's own HTTP port (the gateway's API, a service's health endpoint). */
  get httpPort(): number {
    if (this.port === undefined) throw new Error(`${this.app} is not listening yet`);
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
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
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  private async waitUntilListening(): Promise<void> {
    const listening = /listening on port (\d+)/;
    const exitedEarly = this.exited.then((code) => {
      const output = this.lines.map((line) => line.message ?? JSON.stringify(line)).join('\n');
      throw new Error(`${this.app} exited with ${code} before it was ready:\n${output}`);
    });
    const line = await Promise.race([
      this.waitForLine(
        (candidate) => listening.test(candidate.message ?? ''),
        30_000,
        'that it listens',
      ),
      exitedEarly,
    ]);
    this.port = Number(listening.exec(line.message!)![1]);
  }
}
