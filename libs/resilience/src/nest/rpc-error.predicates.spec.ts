import { BulkheadRejectedError } from '../bulkhead/bulkhead-rejected.error';
import { TimeoutError } from '../timeout/timeout.error';
import {
  countsAsDownstreamFailure,
  isConnectionError,
  isTransientRpcError,
  statusCodeOf,
  wasNeverDelivered,
} from './rpc-error.predicates';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5672'), {
  code: 'ECONNREFUSED',
});
const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const nestReconnecting = 'Error: Connection lost. Trying to reconnect...';
const declined = { code: 'PAYMENT_DECLINED', message: 'Card declined', statusCode: 402 };
const crashed = { code: 'INTERNAL', message: 'Internal server error', statusCode: 500 };

describe('RPC error predicates', () => {
  it.each([
    [refused, true],
    [reset, true],
    [nestReconnecting, true],
    [{ message: 'Disconnected from RMQ. Trying to reconnect.' }, true],
    [declined, false],
    [new Error('boom'), false],
    [undefined, false],
    [42, false],
  ])('isConnectionError(%p) is %p', (error, expected) => {
    expect(isConnectionError(error)).toBe(expected);
  });

  it.each([
    [refused, true],
    [nestReconnecting, true],
    [new BulkheadRejectedError(1, 0), true],
    [reset, false],
    [new TimeoutError(100), false],
    [declined, false],
    [null, false],
  ])('wasNeverDelivered(%p) is %p', (error, expected) => {
    expect(wasNeverDelivered(error)).toBe(expected);
  });

  it.each([
    [new TimeoutError(100), true],
    [reset, true],
    [declined, false],
    [crashed, false],
  ])('isTransientRpcError(%p) is %p', (error, expected) => {
    expect(isTransientRpcError(error)).toBe(expected);
  });

  it.each([
    [declined, false],
    [{ statusCode: 404, message: 'Order not found' }, false],
    [{ status: 409 }, false],
    [{ statusCode: 408 }, true],
    [{ statusCode: 429 }, true],
    [crashed, true],
    [{ statusCode: 302 }, true],
    [new TimeoutError(100), true],
    ['something odd', true],
  ])('countsAsDownstreamFailure(%p) is %p', (error, expected) => {
    expect(countsAsDownstreamFailure(error)).toBe(expected);
  });

  it('reads the status from statusCode, then status', () => {
    expect([
      statusCodeOf({ statusCode: 400, status: 500 }),
      statusCodeOf({ status: 503 }),
      statusCodeOf('x'),
    ]).toEqual([400, 503, undefined]);
  });
});
