import { retry, type RetryOptions } from './retry';

type AsyncMethod = (...args: never[]) => Promise<unknown>;

interface MetadataReflect {
  getMetadataKeys?(target: object): unknown[];
  getMetadata?(key: unknown, target: object): unknown;
  defineMetadata?(key: unknown, value: unknown, target: object): void;
}

/**
 * Retries an async method with a retry policy built once from `options`. Works in any class,
 * Nest provider or not; the method's `this` and arguments are kept, and its reflect-metadata
 * (Nest's `@MessagePattern`, for example) is carried over whichever order decorators run in.
 *
 * @example
 * ```ts
 * class ExchangeRates {
 *   @Retry({ maxAttempts: 3, backoff: exponential({ initialDelayMs: 200 }) })
 *   async latest(currency: string): Promise<Rate> {
 *     return this.api.fetch(currency);
 *   }
 * }
 * ```
 */
export function Retry(options: RetryOptions = {}) {
  const policy = retry(options);
  return <M extends AsyncMethod>(
    _target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): TypedPropertyDescriptor<M> => {
    const original = descriptor.value;
    if (typeof original !== 'function') {
      throw new TypeError(`@Retry() decorates methods; ${String(propertyKey)} is not one`);
    }
    const retried = function (this: unknown, ...args: Parameters<M>): Promise<unknown> {
      return policy.execute(() => original.apply(this, args));
    };
    Object.defineProperty(retried, 'name', { value: original.name });
    copyMetadata(original, retried);
    descriptor.value = retried as unknown as M;
    return descriptor;
  };
}

function copyMetadata(from: object, to: object): void {
  const reflect = Reflect as unknown as MetadataReflect;
  if (!reflect.getMetadataKeys || !reflect.getMetadata || !reflect.defineMetadata) return;
  for (const key of reflect.getMetadataKeys(from)) {
    reflect.defineMetadata(key, reflect.getMetadata(key, from), to);
  }
}
