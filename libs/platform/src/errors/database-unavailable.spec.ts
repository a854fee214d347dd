import { isDatabaseUnavailable } from './database-unavailable';
import { toRpcErrorPayload } from './rpc-error.filter';

function named(name: string, message = 'x'): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe(isDatabaseUnavailable.name, () => {
  it.each([
    ['a MongoDB server that cannot be selected', named('MongoServerSelectionError')],
    ['a cleared MongoDB pool', named('MongoPoolClearedError')],
    [
      'FerretDB without its PostgreSQL',
      named('MongoServerError', 'failed to connect to `user=postgres database=ferretdb`: refused'),
    ],
    [
      'FerretDB whose PostgreSQL restarted under a query',
      named(
        'MongoServerError',
        '[query_iterator.go:92 postgresql.(*queryIterator).Next] FATAL: terminating connection due to administrator command (SQLSTATE 57P01)',
      ),
    ],
    [
      'a PostgreSQL shutting down, wrapped by TypeORM',
      Object.assign(named('QueryFailedError'), { driverError: { code: '57P01' } }),
    ],
    ['a refused connection', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })],
    ['a lost pg connection', new Error('Connection terminated unexpectedly')],
  ])('is true for %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', Object.assign(named('MongoServerError', 'E11000'), { code: 11000 })],
    ['a constraint violation', { name: 'QueryFailedError', driverError: { code: '23505' } }],
    [
      'a constraint violation reported by FerretDB',
      named('MongoServerError', 'ERROR: duplicate key value (SQLSTATE 23505)'),
    ],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['nothing', undefined],
  ])('is false for %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('the RPC answer to an unreachable database', () => {
  it('is SERVICE_UNAVAILABLE (503), not INTERNAL', () => {
    expect(toRpcErrorPayload(named('MongoNetworkError'))).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      statusCode: 503,
    });
  });
});
