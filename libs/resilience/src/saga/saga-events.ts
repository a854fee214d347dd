import { EventEmitter } from '../policy/events';
import type { SagaAbandonedError, SagaAbandonReason } from './saga-abandoned.error';
import type { SagaStatus } from './saga.types';

export interface SagaLifecycleEvent {
  readonly sagaId: string;
  readonly definitionName: string;
}

export interface SagaResumedEvent extends SagaLifecycleEvent {
  readonly status: SagaStatus;
  readonly currentStep: number;
}

export interface SagaStepEvent extends SagaLifecycleEvent {
  readonly step: string;
  readonly phase: 'action' | 'compensation';
}

export interface SagaStepSucceededEvent extends SagaStepEvent {
  readonly attempts: number;
  readonly durationMs: number;
}

export interface SagaStepAttemptFailedEvent extends SagaStepEvent {
  readonly attempt: number;
  readonly error: unknown;
}

export interface SagaStepFailedEvent extends SagaStepEvent {
  readonly attempts: number;
  readonly error: unknown;
  readonly durationMs: number;
}

export interface SagaEndedEvent extends SagaLifecycleEvent {
  readonly status: SagaStatus;
  /** From creation to the end, across crashes and takeovers. */
  readonly durationMs: number;
  readonly failureReason: string | null;
}

export interface SagaAbandonedEvent {
  readonly sagaId: string;
  readonly reason: SagaAbandonReason;
  readonly error: SagaAbandonedError;
}

/**
 * @internal
 * The emitters of one orchestrator, one per event it publishes (as `onSagaStarted`,
 * `onStepSucceeded`, ...).
 */
export class SagaEmitters {
  readonly started = new EventEmitter<SagaLifecycleEvent>();
  readonly resumed = new EventEmitter<SagaResumedEvent>();
  readonly stepSucceeded = new EventEmitter<SagaStepSucceededEvent>();
  readonly stepAttemptFailed = new EventEmitter<SagaStepAttemptFailedEvent>();
  readonly stepFailed = new EventEmitter<SagaStepFailedEvent>();
  readonly ended = new EventEmitter<SagaEndedEvent>();
  readonly abandoned = new EventEmitter<SagaAbandonedEvent>();
  readonly recoveryFailed = new EventEmitter<unknown>();
}
