import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './harness/eventually';

const supervise = join(__dirname, '..', 'scripts', 'supervise.sh');

/** scripts/supervise.sh around a command, with everything it prints. */
function supervised(name: string, command: string[]) {
  const child = spawn('bash', [supervise, name, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': the process may have exited before its last output was read.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  return { child, exited, output: () => output };
}

describe('scripts/supervise.sh (npm start runs every app under it)', () => {
  it('restarts an app that crashes, with a growing delay, and says so', async () => {
    const app = supervised('crashy', ['node', '-e', 'console.log("started"); process.exit(3)']);

    const log = await eventually(
      () => (app.output().split('started').length > 3 ? app.output() : undefined),
      15_000,
      'the third start',
    );
    app.child.kill('SIGTERM');
    await app.exited;

    expect(log).toContain('[supervise] crashy exited with code 3; restarting it in 1 s');
    expect(log).toContain('[supervise] crashy exited with code 3; restarting it in 2 s');
  });

  it('passes a SIGTERM on to the app and stops without restarting it', async () => {
    const app = supervised('steady', [
      'node',
      '-e',
      'console.log("up"); process.on("SIGTERM", () => { console.log("app got SIGTERM"); process.exit(0); }); setInterval(() => {}, 1000);',
    ]);
    await eventually(() => (app.output().includes('up') ? true : undefined), 10_000, 'the app');

    app.child.kill('SIGTERM');
    const code = await app.exited;

    expect({ code, log: app.output() }).toEqual({ code: 0, log: 'up\napp got SIGTERM\n' });
  });
});
