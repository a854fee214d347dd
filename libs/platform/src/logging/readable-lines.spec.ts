import { readableLine } from './readable-lines';

// 14:03:07.412 local time, whatever the machine's zone.
const time = new Date(2026, 11, 7, 14, 3, 7, 412).getTime();

describe('readableLine', () => {
  it('shows time, level, context and message, and the other fields as compact JSON', () => {
    const line = readableLine(
      {
        level: 30,
        time,
        pid: 4242,
        hostname: 'shop-1',
        service: 'orders',
        context: 'Messages',
        message: 'Handled orders.place.v1 in 12 ms',
        correlationId: 'c-1',
        userId: undefined,
      },
      false,
    );

    expect(line).toBe(
      '[14:03:07.412] INFO  Messages: Handled orders.place.v1 in 12 ms {"correlationId":"c-1"}\n',
    );
  });

  it("leaves out an access line's request and response fields, which its message says", () => {
    const line = readableLine(
      {
        level: 30,
        time,
        message: 'GET /api/products/1 200 in 3 ms',
        req: { method: 'GET', url: '/api/products/1' },
        res: { statusCode: 200 },
        responseTime: 3,
        correlationId: 'c-2',
      },
      false,
    );

    expect(line).toBe(
      '[14:03:07.412] INFO  GET /api/products/1 200 in 3 ms {"correlationId":"c-2"}\n',
    );
  });

  it("puts an error's stack on the lines below", () => {
    const line = readableLine(
      { level: 50, time, message: 'boom', err: { message: 'bad', stack: 'Error: bad\n    at x' } },
      false,
    );

    expect(line).toBe('[14:03:07.412] ERROR boom\n    Error: bad\n    at x\n');
  });

  it('colours the level only when asked to', () => {
    expect(readableLine({ level: 40, time, message: 'careful' }, true)).toBe(
      '[14:03:07.412] \x1b[33mWARN \x1b[0m careful\n',
    );
  });
});
