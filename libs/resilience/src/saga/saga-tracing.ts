import {
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { describeError } from '../policy/describe-error';
import type { SagaAbandonReason } from './saga-abandoned.error';
import type { SagaPhase } from './saga-transitions';
import type { SagaInstance, SagaStatus, SagaTraceContext } from './saga.types';

// The OpenTelemetry API only: without an SDK in the process every call here is a no-op.
const tracer = trace.getTracer('@shop/resilience');

/**
 * @internal
 * The span of one run of a saga in this process, with a child span per attempt of an action
 * or compensation. A saga started here is a child of the caller's span, and its context is
 * kept with the saga instance; a run resumed after a crash or by another replica continues
 * that trace (a child of the original run, linked to it).
 */
export class SagaRunTrace {
  private constructor(
    private readonly span: Span,
    private readonly runContext: Context,
    private readonly sagaAttributes: { 'saga.name': string; 'saga.id': string },
  ) {}

  /** A new saga: its span, and the context to persist with it (undefined without an SDK). */
  static started(
    id: string,
    definitionName: string,
  ): { trace: SagaRunTrace; traceContext: SagaTraceContext | undefined } {
    const parent = context.active();
    const span = tracer.startSpan(
      `saga ${definitionName}`,
      { attributes: { 'saga.name': definitionName, 'saga.id': id, 'saga.resumed': false } },
      parent,
    );
    const runContext = trace.setSpan(parent, span);
    const carrier: Record<string, string> = {};
    propagation.inject(runContext, carrier);
    return {
      trace: new SagaRunTrace(span, runContext, { 'saga.name': definitionName, 'saga.id': id }),
      traceContext: Object.keys(carrier).length > 0 ? carrier : undefined,
    };
  }

  /** A saga taken over from an expired lease: its run continues under the original trace. */
  static resumed(instance: SagaInstance, owner: string): SagaRunTrace {
    const original = instance.traceContext
      ? propagation.extract(ROOT_CONTEXT, instance.traceContext)
      : ROOT_CONTEXT;
    const originalRun = trace.getSpanContext(original);
    const links: Link[] = originalRun
      ? [{ context: originalRun, attributes: { 'saga.link': 'original run' } }]
      : [];
    const span = tracer.startSpan(
      `saga ${instance.definitionName}`,
      {
        attributes: {
          'saga.name': instance.definitionName,
          'saga.id': instance.id,
          'saga.resumed': true,
          'saga.resumed_by': owner,
          'saga.resumed_status': instance.status,
          'saga.resumed_at_step': instance.currentStep,
        },
        links,
      },
      original,
    );
    return new SagaRunTrace(span, trace.setSpan(original, span), {
      'saga.name': instance.definitionName,
      'saga.id': instance.id,
    });
  }

  /** Runs the saga's steps inside its span, so their spans and calls are its children. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return context.with(this.runContext, work);
  }

  /** One attempt of an action or compensation, as a child span with its outcome. */
  attempt<T>(step: string, phase: SagaPhase, attempt: number, work: () => Promise<T>): Promise<T> {
    if (attempt > 1) this.span.addEvent('retry', { 'saga.step': step, 'saga.attempt': attempt });
    return tracer.startActiveSpan(
      `saga ${phase} ${step}`,
      {
        attributes: {
          ...this.sagaAttributes,
          'saga.step': step,
          'saga.phase': phase,
          'saga.attempt': attempt,
        },
      },
      this.runContext,
      async (span) => {
        try {
          const result = await work();
          span.setAttribute('saga.outcome', 'succeeded');
          return result;
        } catch (error) {
          const reason = describeError(error);
          span.setAttributes({ 'saga.outcome': 'failed', 'saga.failure_reason': reason });
          span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /** The saga reached a terminal state. */
  ended(status: SagaStatus, failureReason: string | null): void {
    this.span.setAttribute('saga.outcome', status);
    if (failureReason) this.span.setAttribute('saga.failure_reason', failureReason);
    if (status === 'FAILED')
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: failureReason ?? status });
    this.span.end();
  }

  /**
   * This process let go of the saga before its end (recovery resumes it), or never started it
   * (`already-started`: another start with the same id won).
   */
  abandoned(reason: SagaAbandonReason | 'already-started'): void {
    this.span.setAttribute('saga.outcome', `abandoned: ${reason}`);
    this.span.addEvent('abandoned', { 'saga.abandon_reason': reason });
    this.span.end();
  }
}
