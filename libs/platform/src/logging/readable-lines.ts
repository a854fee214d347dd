/** The fields a readable line shows in its own place; the rest follow as compact JSON. */
const placedFields = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'service',
  'context',
  'message',
  'err',
  // An access line's message already says method, URL, status and time.
  'req',
  'res',
  'responseTime',
]);

const levelLabels: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

// ANSI colours per level, as pino-pretty shows them: red, yellow, green, blue, grey.
const levelColours: Record<number, string> = {
  10: '\x1b[90m',
  20: '\x1b[34m',
  30: '\x1b[32m',
  40: '\x1b[33m',
  50: '\x1b[31m',
  60: '\x1b[41m',
};

export interface LogRecord {
  level: number;
  time: number;
  context?: string;
  message?: string;
  err?: { stack?: string; message?: string };
  [field: string]: unknown;
}

function clockOf(epochMs: number): string {
  const time = new Date(epochMs);
  const two = (value: number) => (value < 10 ? `0${value}` : `${value}`);
  const millis = time.getMilliseconds();
  return `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}`;
}

/**
 * One record as a line a person reads in a terminal:
 * `[14:03:07.412] INFO  Messages: Handled orders.place.v1 in 12 ms {"correlationId":"…"}`,
 * an error's stack on the lines below.
 */
export function readableLine(record: LogRecord, colours: boolean): string {
  const label = (levelLabels[record.level] ?? String(record.level)).padEnd(5);
  const level = colours ? `${levelColours[record.level] ?? ''}${label}\x1b[0m` : label;
  let line = `[${clockOf(record.time)}] ${level} ${record.context ? `${record.context}: ` : ''}${record.message ?? ''}`;
  let extra: Record<string, unknown> | undefined;
  for (const field in record) {
    if (placedFields.has(field) || record[field] === undefined) continue;
    (extra ??= {})[field] = record[field];
  }
  if (extra) line += ` ${JSON.stringify(extra)}`;
  if (record.err) line += `\n    ${record.err.stack ?? record.err.message ?? ''}`;
  return `${line}\n`;
}
