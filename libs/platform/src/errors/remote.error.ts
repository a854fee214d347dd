import { ErrorCode, RpcErrorPayload, httpStatusOf } from '@shop/contracts';

/** A failure another service reported back over RMQ, with its stable code. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  readonly code: ErrorCode;
  readonly details?: string[];

  constructor(
    payload: RpcErrorPayload,
    readonly service: string,
    /** When the caller may try again, for an open circuit (sent as Retry-After). */
    readonly retryAfterMs?: number,
    /** What the transport or a policy rejected with; an open breaker's rejection stays findable. */
    cause?: unknown,
  ) {
    super(payload.message, cause === undefined ? undefined : { cause });
    this.code = payload.code;
    this.details = payload.details;
  }

  /** 4xx codes are answers, not faults: retrying them or counting them against a breaker is wrong. */
  get isBusinessError(): boolean {
    return httpStatusOf(this.code) < 500;
  }
}

export function isRemoteError(error: unknown): error is RemoteError {
  return error instanceof RemoteError;
}
