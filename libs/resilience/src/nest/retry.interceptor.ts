import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { retry, type RetryOptions, type RetryPolicy } from '../retry/retry';
import { retryWithPolicy } from '../retry/retry-with-policy.operator';
import {
  RESILIENCE_MODULE_OPTIONS,
  type ResilienceModuleOptions,
} from './resilience-module.options';
import { RETRYABLE_OPTIONS } from './resilience.tokens';

/** Retry of a handler; missing fields come from the module's `handlerRetry`. */
export type RetryableOptions = Omit<RetryOptions, 'clock' | 'random'>;

/**
 * Retries handlers marked with `@Retryable()`; passes every other handler through untouched, so
 * it may also be registered globally (`APP_INTERCEPTOR`). One retry policy per handler.
 *
 * @example
 * ```ts
 * providers: [{ provide: APP_INTERCEPTOR, useClass: RetryInterceptor }]
 * ```
 */
@Injectable()
export class RetryInterceptor implements NestInterceptor {
  private readonly policies = new WeakMap<object, RetryPolicy>();

  constructor(
    private readonly reflector: Reflector,
    @Optional()
    @Inject(RESILIENCE_MODULE_OPTIONS)
    private readonly options: ResilienceModuleOptions = {},
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    const options = this.reflector.getAllAndOverride<RetryableOptions | undefined>(
      RETRYABLE_OPTIONS,
      [handler, context.getClass()],
    );
    if (!options) return next.handle();
    return next.handle().pipe(retryWithPolicy(this.policyFor(handler, options)));
  }

  private policyFor(handler: object, options: RetryableOptions): RetryPolicy {
    let policy = this.policies.get(handler);
    if (!policy) {
      policy = retry({
        ...this.options.handlerRetry,
        ...options,
        clock: this.options.clock,
        random: this.options.random,
      });
      this.policies.set(handler, policy);
    }
    return policy;
  }
}
