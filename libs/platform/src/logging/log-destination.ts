import pino from 'pino';
import { isatty } from 'node:tty';
import { LogRecord, readableLine } from './readable-lines';

// Lines are gathered up to this many bytes, or this long, before one write: a write per line
// wakes a libuv thread per line, which cost an app more CPU than building the line itself.
const WRITE_BATCH_BYTES = 4096;
const FLUSH_INTERVAL_MS = 100;

/**
 * Where an app's log lines go: stdout, written in batches, flushed at least every 100 ms and
 * on exit. `pretty` turns each record into a readable line on the main thread: pino has
 * serialized it to JSON anyway, and reading that back costs less than pino-pretty's worker
 * thread, which is woken for every line and whose CPU counts just as much on a busy machine.
 */
export function logDestination(format: 'json' | 'pretty', fd = 1): pino.DestinationStream {
  const out = pino.destination({
    dest: fd,
    sync: false,
    minLength: WRITE_BATCH_BYTES,
    periodicFlush: FLUSH_INTERVAL_MS,
  });
  if (format === 'json') return out;
  const colours = isatty(fd) || Boolean(process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0');
  return {
    write: (json: string) => out.write(readableLine(JSON.parse(json) as LogRecord, colours)),
    flushSync: () => out.flushSync(),
  } as pino.DestinationStream;
}
