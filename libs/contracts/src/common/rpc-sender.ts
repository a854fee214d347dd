/**
 * What a typed service client needs from the transport. The platform's implementation adds
 * correlation headers, deadlines, retries and a circuit breaker; typed clients stay plain.
 */
export interface RpcSender {
  send<TResult>(pattern: string, data: unknown): Promise<TResult>;
  emit(pattern: string, data: unknown): Promise<void>;
}
