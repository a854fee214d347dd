// MongoDB's (and FerretDB's, through PostgreSQL's unique index) answer to an insert whose key
// exists: insert-if-absent is our idempotency and lease primitive.
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}
