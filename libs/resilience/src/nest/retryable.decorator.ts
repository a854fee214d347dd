import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { RETRYABLE_OPTIONS } from './resilience.tokens';
import { RetryInterceptor, type RetryableOptions } from './retry.interceptor';

/**
 * Retries a controller or message handler (or every handler of a class) through the
 * {@link RetryInterceptor}: Nest re-invokes the handler on each attempt.
 *
 * Use it on handlers that are safe to run twice. For a method of a provider use `@Retry()`.
 *
 * @example
 * ```ts
 * @MessagePattern(CatalogPatterns.reindex)
 * @Retryable({ maxAttempts: 3, isTransient: isConnectionError })
 * reindex(@Payload() command: ReindexCommand) {
 *   return this.catalog.reindex(command);
 * }
 * ```
 */
export function Retryable(options: RetryableOptions = {}): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(RETRYABLE_OPTIONS, options),
    UseInterceptors(RetryInterceptor),
  );
}
