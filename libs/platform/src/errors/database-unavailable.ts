// By name, not instanceof: mongoose bundles its own copy of the MongoDB driver, and TypeORM
// wraps pg's errors in a QueryFailedError whose `driverError` is the original.
const unreachableMongoErrors = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

// PostgreSQL shutting down or not accepting connections yet, and lost connections.
const unreachablePostgresCodes = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

// FerretDB passes on its PostgreSQL's error text, SQLSTATE included, in a MongoServerError.
const unreachableMessages =
  /connection terminated|connection refused|the database system is (starting up|shutting down)|failed to connect to `|pool .*(cleared|closed)|timeout exceeded when trying to connect|\(SQLSTATE (57P0[123]|08\d{3})\)/i;

function fieldOf(error: unknown, field: 'name' | 'code' | 'message' | 'driverError'): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[field]
    : undefined;
}

/**
 * True when the service's database could not be reached (down, restarting, the connection
 * lost), as opposed to a query it refused. Such a failure is temporary: the caller is told
 * SERVICE_UNAVAILABLE (503) and may try again, and it is no bug to dead-letter.
 * FerretDB reports its own PostgreSQL being gone as a MongoServerError "failed to connect to".
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const driverError = fieldOf(error, 'driverError');
  if (driverError !== undefined && driverError !== error && isDatabaseUnavailable(driverError))
    return true;
  const name = fieldOf(error, 'name');
  if (typeof name === 'string' && unreachableMongoErrors.has(name)) return true;
  const code = fieldOf(error, 'code');
  if (
    typeof code === 'string' &&
    (unreachablePostgresCodes.has(code) || connectionErrorCodes.has(code))
  )
    return true;
  const message = fieldOf(error, 'message');
  return typeof message === 'string' && unreachableMessages.test(message);
}
