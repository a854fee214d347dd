// The Nest layer over the core: module, resilient ClientProxy wrapper, retry interceptor.
export {
  RESILIENCE_MODULE_OPTIONS,
  type ResilienceModuleOptions,
  RESILIENCE_ASYNC_OPTIONS_TYPE,
  RESILIENCE_OPTIONS_TYPE,
} from './resilience-module.options';
export {
  type CircuitBreakerRegistration,
  type ResilienceFeatureOptions,
  ResilienceFeatureModule,
  ResilienceModule,
  type ResilientClientRegistration,
} from './resilience.module';
export {
  getCircuitBreakerToken,
  getResilientClientToken,
  InjectCircuitBreaker,
  InjectResilientClient,
  RETRYABLE_OPTIONS,
} from './resilience.tokens';
export {
  type MessageClient,
  type ResilientCallOptions,
  ResilientClient,
  type ResilientClientOptions,
  type ResilientClientRetryOptions,
} from './resilient-client';
export { ResilientClientFactory, type ResilientClientSettings } from './resilient-client.factory';
export {
  countsAsDownstreamFailure,
  isConnectionError,
  isTransientRpcError,
  statusCodeOf,
  wasNeverDelivered,
} from './rpc-error.predicates';
export { type RetryableOptions, RetryInterceptor } from './retry.interceptor';
export { Retryable } from './retryable.decorator';
