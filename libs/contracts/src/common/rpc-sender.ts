/**
 * What a typed service client needs from the transport. The platform's implementation adds
 * correlation headers, deadlines, retries and a circuit breaker; typed clients stay plain.
 */
export interface RpcSender {
  send<TResult>(pattern: string, data: unknown, options?: RpcCallOptions): Promise<TResult>;
  emit(pattern: string, data: unknown): Promise<void>;
}

export interface RpcCallOptions {
  /** A tighter deadline than the sender's default, e.g. for a readiness probe. */
  timeoutMs?: number;
  /**
   * The handler answers a repeat with the first result (a query, or a command with an
   * idempotency key), so a call that timed out may be sent again. Default false: only calls
   * that provably never left are retried.
   */
  idempotent?: boolean;
}

/** For calls whose handler answers a repeat with the first result. */
export const idempotent: RpcCallOptions = Object.freeze({ idempotent: true });
