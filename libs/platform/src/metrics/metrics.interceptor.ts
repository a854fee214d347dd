import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { Observable, finalize, tap } from 'rxjs';
import { Metrics } from './metrics';

function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}

/** Times every RMQ message handler of the app, by pattern and outcome. */
@Injectable()
export class MessageMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: Metrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpcContext =
      context.getType() === 'rpc' ? context.switchToRpc().getContext<unknown>() : undefined;
    if (!(rpcContext instanceof RmqContext)) return next.handle();
    const startedAt = process.hrtime.bigint();
    let outcome = 'success';
    return next.handle().pipe(
      tap({ error: () => (outcome = 'error') }),
      finalize(() =>
        this.metrics.messageHandlerDuration.observe(
          { pattern: rpcContext.getPattern(), outcome },
          secondsSince(startedAt),
        ),
      ),
    );
  }
}
