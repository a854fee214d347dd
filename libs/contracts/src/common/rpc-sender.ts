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
}
