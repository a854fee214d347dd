import { ClientProxy, RmqRecordBuilder } from '@nestjs/microservices';
import { ErrorCodes, RpcCallOptions, RpcSender, isRpcErrorPayload } from '@shop/contracts';
import {
  CircuitBreakerRegistry,
  ResilientClient,
  exponential,
  isBrokenCircuitError,
  isTimeoutError,
  isTransientRpcError,
} from '@shop/resilience';
import { ClsService } from 'nestjs-cls';
import { RequestContext, outgoingHeaders } from '../context/correlation';
import { RemoteError } from '../errors/remote.error';
import { withTraceContext } from '../tracing/trace-context';
import { isTransientServiceError } from '../errors/transient-errors';

// Short: an HTTP request waits for these.
const callRetryBackoff = exponential({ initialDelayMs: 100, maxDelayMs: 2_000 });

export interface ServiceClientOptions {
  /** Name of the downstream service, used in errors, logs and as its breaker's name. */
  service: string;
  /** Per-attempt deadline of a call. */
  timeoutMs: number;
  /** The app's breakers: one per downstream service, shared by all its clients. */
  breakers: CircuitBreakerRegistry;
  /**
   * Attempts of one call, the first included. Default 3. Say 1 where the caller owns the
   * retries (saga steps), so that attempts do not multiply across layers.
   */
  attemptsPerCall?: number;
}

/**
 * Turns what a call rejects with into errors that say which service failed and how. The
 * original error stays the `cause`: an open breaker's rejection must stay recognisable
 * (`brokenCircuitBehind`), so that no retry of any layer calls into the open circuit.
 */
export function toServiceError(error: unknown, service: string): Error {
  if (isRpcErrorPayload(error)) return new RemoteError(error, service);
  if (isBrokenCircuitError(error)) {
    return new RemoteError(
      { code: ErrorCodes.serviceUnavailable, message: `The ${service} service is unavailable` },
      service,
      error.retryAfterMs,
      error,
    );
  }
  if (isTimeoutError(error)) {
    return new RemoteError(
      { code: ErrorCodes.timeout, message: `The ${service} service did not answer in time` },
      service,
      undefined,
      error,
    );
  }
  return new RemoteError(
    { code: ErrorCodes.serviceUnavailable, message: `The ${service} service is unavailable` },
    service,
    undefined,
    error,
  );
}

/**
 * RMQ request/reply and events to one service, on behalf of the current request: correlation
 * headers, then libs/resilience's pipeline (deadline per attempt, retry of transient errors
 * only, the service's circuit breaker), then errors mapped to `RemoteError`s.
 */
export class ServiceClient implements RpcSender {
  private readonly resilient: ResilientClient;

  constructor(
    proxy: ClientProxy,
    private readonly cls: ClsService<RequestContext>,
    private readonly options: ServiceClientOptions,
  ) {
    this.resilient = new ResilientClient(proxy, {
      serviceName: options.service,
      registry: options.breakers,
      timeoutMs: options.timeoutMs,
      retry: { maxAttempts: options.attemptsPerCall ?? 3, backoff: callRetryBackoff },
      // A service that says it failed temporarily (503/504 codes) is worth another try too.
      isTransient: (error) => isTransientRpcError(error) || isTransientServiceError(error),
    });
  }

  async send<TResult>(
    pattern: string,
    data: unknown,
    { timeoutMs, idempotent = false }: RpcCallOptions = {},
  ): Promise<TResult> {
    try {
      return await this.resilient.send<TResult>(pattern, this.record(data), {
        timeoutMs: timeoutMs ?? this.options.timeoutMs,
        idempotent,
      });
    } catch (error) {
      throw toServiceError(error, this.options.service);
    }
  }

  async emit(pattern: string, data: unknown): Promise<void> {
    try {
      await this.resilient.emit(pattern, this.record(data));
    } catch (error) {
      throw toServiceError(error, this.options.service);
    }
  }

  private record(data: unknown) {
    // The trace context is taken here, not when amqp-connection-manager gets to publish it.
    const headers = withTraceContext(outgoingHeaders(this.cls));
    return new RmqRecordBuilder(data).setOptions({ headers }).build();
  }
}
