import { ClientProxy, RmqRecordBuilder } from '@nestjs/microservices';
import { ErrorCodes, RpcCallOptions, RpcSender, isRpcErrorPayload } from '@shop/contracts';
import { ClsService } from 'nestjs-cls';
import { TimeoutError, lastValueFrom, timeout } from 'rxjs';
import { RequestContext, outgoingHeaders } from '../context/correlation';
import { RemoteError } from '../errors/remote.error';

export interface ServiceClientOptions {
  /** Name of the downstream service, used in errors and logs. */
  service: string;
  timeoutMs: number;
}

/** Turns what a ClientProxy rejects with into errors that say which service failed and how. */
export function toServiceError(error: unknown, service: string): Error {
  if (isRpcErrorPayload(error)) return new RemoteError(error, service);
  if (error instanceof TimeoutError) {
    return new RemoteError(
      { code: ErrorCodes.timeout, message: `The ${service} service did not answer in time` },
      service,
    );
  }
  return new RemoteError(
    { code: ErrorCodes.serviceUnavailable, message: `The ${service} service is unavailable` },
    service,
  );
}

/** RMQ request/reply and events to one service, on behalf of the current request context. */
export class ServiceClient implements RpcSender {
  constructor(
    private readonly proxy: ClientProxy,
    private readonly cls: ClsService<RequestContext>,
    private readonly options: ServiceClientOptions,
  ) {}

  async send<TResult>(
    pattern: string,
    data: unknown,
    { timeoutMs = this.options.timeoutMs }: RpcCallOptions = {},
  ): Promise<TResult> {
    try {
      return await lastValueFrom(
        this.proxy.send<TResult>(pattern, this.record(data)).pipe(timeout(timeoutMs)),
      );
    } catch (error) {
      throw toServiceError(error, this.options.service);
    }
  }

  async emit(pattern: string, data: unknown): Promise<void> {
    try {
      await lastValueFrom(
        this.proxy.emit(pattern, this.record(data)).pipe(timeout(this.options.timeoutMs)),
        {
          defaultValue: undefined,
        },
      );
    } catch (error) {
      throw toServiceError(error, this.options.service);
    }
  }

  private record(data: unknown) {
    return new RmqRecordBuilder(data).setOptions({ headers: outgoingHeaders(this.cls) }).build();
  }
}
