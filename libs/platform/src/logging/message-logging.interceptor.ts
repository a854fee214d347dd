import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { Observable, tap } from 'rxjs';

/**
 * One line per handled message, like an access log: with the correlation id on every line,
 * one request can be followed through every service.
 */
@Injectable()
export class MessageLoggingInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Messages');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpcContext =
      context.getType() === 'rpc' ? context.switchToRpc().getContext<unknown>() : undefined;
    if (!(rpcContext instanceof RmqContext)) return next.handle();
    const startedAt = Date.now();
    const pattern = rpcContext.getPattern();
    return next.handle().pipe(
      tap({
        complete: () => this.logger.log(`Handled ${pattern} in ${Date.now() - startedAt} ms`),
        error: (error: unknown) =>
          this.logger.log(
            `Handled ${pattern} in ${Date.now() - startedAt} ms: ${error instanceof Error ? error.message : 'failed'}`,
          ),
      }),
    );
  }
}
