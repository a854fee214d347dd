import { ErrorCode } from '@shop/contracts';

/**
 * An expected failure of a business rule, with a stable code the gateway maps to HTTP.
 * Services throw these; the RPC filter turns them into `RpcErrorPayload`s.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
