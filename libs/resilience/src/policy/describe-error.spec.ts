import { describeError } from './describe-error';

describe(describeError.name, () => {
  it.each([
    [new TypeError('bad input'), 'TypeError: bad input'],
    ['Error: Connection lost', 'Error: Connection lost'],
    [
      { code: 'OUT_OF_STOCK', message: 'Only 2 left', statusCode: 409 },
      'OUT_OF_STOCK: Only 2 left',
    ],
    [{ message: 'plain' }, 'plain'],
    [{ statusCode: 500 }, '{"statusCode":500}'],
    [42, '42'],
    [undefined, 'undefined'],
  ])('describes %p as %p', (error, expected) => {
    expect(describeError(error)).toBe(expected);
  });

  it('describes a value that cannot be serialised', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;

    expect(describeError(circular)).toBe('[object Object]');
  });
});
