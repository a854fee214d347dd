// The plain-TypeScript core: no Nest import anywhere below, usable from any Node code.
// Ports
export { type Clock, type ClockTimer, systemClock } from '../clock/clock';
export { FakeClock } from '../clock/fake-clock';
export { type Random, seededRandom, systemRandom } from '../clock/random';

// Policies and composition
export { type Disposable, type Event, type Listener } from '../policy/events';
export { neverAbortedSignal, type PolicyContext } from '../policy/execution-context';
export { type Operation, type Policy } from '../policy/policy';
export { compose } from '../policy/compose';
export { fromPolicy } from '../policy/from-policy';
export { describeError } from '../policy/describe-error';
export { isPolicyDisposedError, PolicyDisposedError } from '../policy/policy-disposed.error';

// Circuit breaker
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  type CircuitCallFailure,
  type CircuitCallRejection,
  type CircuitCallSuccess,
  type CircuitStateChange,
  type CircuitTransitionReason,
} from '../breaker/circuit-breaker';
export {
  CircuitBreakerRegistry,
  type CircuitBreakerOverrides,
} from '../breaker/circuit-breaker.registry';
export { CircuitState } from '../breaker/circuit-state';
export { type SlidingWindowOptions } from '../breaker/sliding-window';
export {
  BrokenCircuitError,
  isBrokenCircuitError,
  brokenCircuitBehind,
  type RejectingCircuitState,
} from '../breaker/broken-circuit.error';

// Retry
export {
  retry,
  RetryPolicy,
  type GiveUpEvent,
  type GiveUpReason,
  type RetryEvent,
  type RetryOptions,
} from '../retry/retry';
export {
  type Backoff,
  constant,
  exponential,
  type ExponentialBackoffOptions,
  type Jitter,
} from '../retry/backoff';
export { retryWithPolicy } from '../retry/retry-with-policy.operator';
export { Retry } from '../retry/retry.decorator';

// Timeout
export { timeout, TimeoutPolicy, type TimeoutEvent, type TimeoutOptions } from '../timeout/timeout';
export { isTimeoutError, TimeoutError } from '../timeout/timeout.error';

// Bulkhead
export {
  bulkhead,
  BulkheadPolicy,
  type BulkheadOptions,
  type BulkheadSnapshot,
} from '../bulkhead/bulkhead';
export {
  BulkheadRejectedError,
  isBulkheadRejectedError,
} from '../bulkhead/bulkhead-rejected.error';

// Saga
export {
  isTerminalSagaStatus,
  type SagaDefinition,
  type SagaHistoryEntry,
  type SagaInstance,
  type SagaStatus,
  type SagaStep,
  type SagaStepContext,
  type SagaStepRetryOptions,
} from '../saga/saga.types';
export {
  isSagaAlreadyExistsError,
  isSagaConflictError,
  SagaAlreadyExistsError,
  SagaConflictError,
  type SagaConflictReason,
  type SagaStore,
} from '../saga/saga-store';
export { InMemorySagaStore, type InMemorySagaStoreOptions } from '../saga/in-memory-saga.store';
export {
  isSagaAbandonedError,
  SagaAbandonedError,
  type SagaAbandonReason,
} from '../saga/saga-abandoned.error';
export {
  defineSaga,
  SagaOrchestrator,
  type SagaAbandonedEvent,
  type SagaEndedEvent,
  type SagaLifecycleEvent,
  type SagaOrchestratorOptions,
  type SagaResumedEvent,
  type SagaStepAttemptFailedEvent,
  type SagaStepEvent,
  type SagaStepFailedEvent,
  type SagaStepSucceededEvent,
  type StartSagaOptions,
} from '../saga/saga-orchestrator';
