import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '../../../test/harness/eventually';

const root = join(__dirname, '..', '..', '..');

async function runWriter(format: 'json' | 'pretty'): Promise<string[]> {
  const writer = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'fixtures', 'batched-log-writer.ts'), format],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  writer.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => writer.on('exit', resolve));
  try {
    // The writer writes nothing more until told: only the periodic flush can deliver this line.
    await eventually(
      () => (output.includes('waiting for the burst') ? true : undefined),
      15_000,
      'the line logged before the writer went idle',
    );
    writer.kill('SIGUSR2');
    await exited;
  } finally {
    writer.kill('SIGKILL');
  }
  return output.trimEnd().split('\n');
}

describe('the batched log destination', () => {
  it.each(['json', 'pretty'] as const)(
    'delivers a line logged before an idle spell, and every line logged right before exit (%s)',
    async (format) => {
      const lines = await runWriter(format);

      expect(lines).toHaveLength(501);
      expect(lines.at(-1)).toContain('burst line 499');
    },
  );

  it('writes readable lines in the pretty format', async () => {
    const [first] = await runWriter('pretty');

    expect(first).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO {2}waiting for the burst$/);
  });
});
