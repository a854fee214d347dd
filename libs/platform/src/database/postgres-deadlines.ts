/**
 * Deadlines for a service's PostgreSQL pool (TypeORM `postgres` options). pg waits forever by
 * default: a connect to a server that never answers (a dropped route, a black hole) or a
 * query on a connection whose peer vanished would hold a handler, and the message it
 * handles, until the kernel gives up many minutes later. With these, such a call fails within
 * seconds and the service answers 503 (see isDatabaseUnavailable).
 */
export const postgresDeadlines = {
  connectTimeoutMS: 5_000,
  extra: {
    // Ends a query whose answer never comes; far above any query this platform runs.
    query_timeout: 15_000,
    // Lets the kernel notice a vanished peer on an idle pooled connection.
    keepAlive: true,
  },
} as const;
