/**
 * A one-line description of anything thrown: an Error, an RPC error object
 * (`{ code, message, statusCode }`), a string, or something stranger.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof message === 'string')
      return code === undefined ? message : `${String(code)}: ${message}`;
  }
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
