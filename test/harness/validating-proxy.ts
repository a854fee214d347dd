import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '..', '..');

/**
 * The validating proxy (`validating-proxy.main.ts`) as a child process in front of a gateway:
 * send requests to `url`, then ask `violations()` what disagreed with the OpenAPI document.
 */
export class ValidatingProxy {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(gatewayUrl: string): Promise<ValidatingProxy> {
    const child = spawn(
      process.execPath,
      ['--no-warnings', '-r', '@swc-node/register', join(__dirname, 'validating-proxy.main.ts')],
      {
        cwd: root,
        env: { ...process.env, GATEWAY_URL: gatewayUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const match = /^listening (\d+)$/.exec(line);
        if (match) resolve(match[1]);
      });
      child.on('exit', (code) =>
        reject(new Error(`validating proxy exited with ${code}: ${errors}`)),
      );
    });
    return new ValidatingProxy(child, `http://127.0.0.1:${port}`);
  }

  async violations(): Promise<string[]> {
    return (await (await fetch(`${this.url}/__violations`)).json()) as string[];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.on('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Declares the test that every exchange the proxy relayed was as the OpenAPI document
 * describes. Call it last in a describe block: jest runs tests in the order they are declared,
 * so it sees every request of the block's tests.
 *
 * @example
 * itAnsweredAsDocumented(() => proxy);
 */
export function itAnsweredAsDocumented(proxy: () => ValidatingProxy): void {
  it('answered every request as its OpenAPI document describes', async () => {
    expect(await proxy().violations()).toEqual([]);
  });
}
