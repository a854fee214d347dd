import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, systemClock } from '../clock/clock';
import { type Random, systemRandom } from '../clock/random';
import { AbortableContext, type PolicyContext } from '../policy/execution-context';
import { type Policy, runInContext } from '../policy/policy';
import { positive, positiveInteger } from '../policy/validate-options';
import { type Backoff, exponential } from '../retry/backoff';
import { retry } from '../retry/retry';
import { isSagaAbandonedError, SagaAbandonedError } from './saga-abandoned.error';
import { validateDefinition } from './saga-definition';
import { SagaEmitters } from './saga-events';
import { keepLease, type SagaLeaseSettings } from './saga-lease-keeper';
import { SagaRecovery } from './saga-recovery';
import { SagaStepPolicies, type SagaStepPolicySettings } from './saga-step-policies';
import { SagaRunTrace } from './saga-tracing';
import { isSagaAlreadyExistsError, isSagaConflictError, type SagaStore } from './saga-store';
import {
  afterAction,
  afterCompensation,
  nextMove,
  type SagaChanges,
  type SagaPhase,
  startingHistory,
  type StepOutcome,
} from './saga-transitions';
import {
  isTerminalSagaStatus,
  type SagaDefinition,
  type SagaInstance,
  type SagaStep,
  type SagaStepContext,
} from './saga.types';

export { defineSaga } from './saga-definition';
export type {
  SagaAbandonedEvent,
  SagaEndedEvent,
  SagaLifecycleEvent,
  SagaResumedEvent,
  SagaStepAttemptFailedEvent,
  SagaStepEvent,
  SagaStepFailedEvent,
  SagaStepSucceededEvent,
} from './saga-events';

export interface SagaOrchestratorOptions {
  readonly store: SagaStore;
  /** Definitions this orchestrator can start and recover. More can be added with `register`. */
  readonly definitions?: readonly SagaDefinition<object>[];
  /** Names this orchestrator in leases. Default: `${hostname}:${pid}:${random}`. */
  readonly owner?: string;
  /** How long a lease lasts without renewal. Default `30_000`. */
  readonly leaseMs?: number;
  /** How often running sagas renew their lease. Default `leaseMs / 3`. */
  readonly renewIntervalMs?: number;
  /** Sagas claimed per store query during recovery. Default `20`. */
  readonly recoveryBatchSize?: number;
  /** Backoff of steps retried forward (the pivot and after). Default: 100 ms doubling to 30 s, full jitter. */
  readonly forwardBackoff?: Backoff;
  /** Backoff of compensations, which are retried until they succeed. Same default. */
  readonly compensationBackoff?: Backoff;
  readonly clock?: Clock;
  readonly random?: Random;
  /** Saga ids when `start` is given none. Default `crypto.randomUUID`. */
  readonly generateId?: () => string;
}

export interface StartSagaOptions {
  /** The saga id; starting twice with one id runs the saga once. Default: a new UUID. */
  readonly id?: string;
  /**
   * Persists the new saga instead of `store.create`, typically in the same write as the record
   * it acts for (an order and its saga in one insert: both or neither, and one write less). It
   * must fail with {@link SagaAlreadyExistsError} when the id is taken, as `create` does, or when
   * the record it writes exists already (the same request again): nothing is started either
   * way. Every later write goes to the store, so the saga must be where the store finds it by
   * id.
   */
  readonly persist?: (instance: SagaInstance) => Promise<void>;
}

interface RegisteredSaga {
  readonly definition: SagaDefinition<object>;
  readonly policies: SagaStepPolicies;
}

interface SagaRun {
  readonly context: AbortableContext;
  readonly done: Promise<SagaInstance>;
}

/**
 * Runs sagas: ordered steps with compensations, persisted through a {@link SagaStore} before
 * and after every step, safe to run in several processes on one store.
 *
 * A saga is leased to one orchestrator at a time; the lease is renewed while it runs and every
 * write compare-and-sets the version, so a process that stalls past its lease cannot overwrite
 * the work of the one that took over. `recover()` (on start-up, then on an interval) takes over
 * sagas whose lease expired and resumes them: RUNNING ones at their current step, COMPENSATING
 * ones at their next compensation. A step may therefore run more than once, never concurrently
 * on purpose: give downstream calls `context.idempotencyKey`.
 *
 * @example
 * ```ts
 * const placeOrder = defineSaga<PlaceOrderData>({
 *   name: 'place-order',
 *   steps: [
 *     { name: 'reserve-inventory', action: (ctx) => inventory.reserve(ctx.data.items, ctx.idempotencyKey), compensate: (ctx) => inventory.release(ctx.idempotencyKey) },
 *     { name: 'authorize-payment', action: async (ctx) => ({ paymentId: await payments.authorize(ctx.data, ctx.idempotencyKey) }), compensate: (ctx) => payments.void(ctx.data.paymentId!) },
 *     { name: 'capture-payment', pivot: true, action: (ctx) => payments.capture(ctx.data.paymentId!, ctx.idempotencyKey) },
 *   ],
 * });
 * const orchestrator = new SagaOrchestrator({ store, definitions: [placeOrder] });
 * await orchestrator.recover();
 * orchestrator.startRecovery(10_000);
 * const sagaId = await orchestrator.start(placeOrder, { orderId, items }, { id: orderId });
 * ```
 */
export class SagaOrchestrator {
  readonly owner: string;

  private readonly store: SagaStore;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly leaseMs: number;
  private readonly leaseSettings: SagaLeaseSettings;
  private readonly stepPolicySettings: SagaStepPolicySettings;
  private readonly generateId: () => string;
  private readonly storeWrites: Policy;
  private readonly sagas = new Map<string, RegisteredSaga>();
  private readonly runs = new Map<string, SagaRun>();
  private readonly recovery: SagaRecovery;
  private isStopped = false;

  private readonly emitters = new SagaEmitters();

  /** A new saga was persisted and starts running. */
  readonly onSagaStarted = this.emitters.started.event;
  /** Recovery took a saga over and resumes it. */
  readonly onSagaResumed = this.emitters.resumed.event;
  /** An action or compensation succeeded. */
  readonly onStepSucceeded = this.emitters.stepSucceeded.event;
  /** One attempt of an action or compensation failed (it may be retried). */
  readonly onStepAttemptFailed = this.emitters.stepAttemptFailed.event;
  /** An action failed for good: the saga compensates (or, past the pivot, fails). */
  readonly onStepFailed = this.emitters.stepFailed.event;
  /** A saga reached COMPLETED, COMPENSATED or FAILED. */
  readonly onSagaEnded = this.emitters.ended.event;
  /** This process let go of a saga before its end; recovery will resume it. */
  readonly onSagaAbandoned = this.emitters.abandoned.event;
  /** A recovery round failed (the store was unreachable, typically); the next round retries. */
  readonly onRecoveryFailed = this.emitters.recoveryFailed.event;

  constructor(options: SagaOrchestratorOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = positive('leaseMs', options.leaseMs ?? 30_000);
    const renewIntervalMs = positive(
      'renewIntervalMs',
      options.renewIntervalMs ?? this.leaseMs / 3,
    );
    if (renewIntervalMs >= this.leaseMs) {
      throw new RangeError(
        `renewIntervalMs (${renewIntervalMs}) must be shorter than leaseMs (${this.leaseMs})`,
      );
    }
    this.recovery = new SagaRecovery(
      {
        store: this.store,
        clock: this.clock,
        owner: this.owner,
        leaseMs: this.leaseMs,
        recoveryBatchSize: positiveInteger('recoveryBatchSize', options.recoveryBatchSize ?? 20),
      },
      (instance) => this.resume(instance),
      (error) => this.emitters.recoveryFailed.emit(error),
    );
    this.leaseSettings = {
      store: this.store,
      clock: this.clock,
      owner: this.owner,
      leaseMs: this.leaseMs,
      renewIntervalMs,
    };
    const forwardBackoff: Backoff =
      options.forwardBackoff ?? exponential({ initialDelayMs: 100, maxDelayMs: 30_000 });
    this.stepPolicySettings = {
      clock: this.clock,
      random: this.random,
      forwardBackoff,
      compensationBackoff: options.compensationBackoff ?? forwardBackoff,
    };
    this.generateId = options.generateId ?? randomUUID;
    // A store hiccup should not hand the saga to recovery; a conflict must, at once.
    this.storeWrites = retry({
      maxAttempts: 3,
      backoff: exponential({ initialDelayMs: 50, maxDelayMs: 1_000 }),
      isTransient: (error) => !isSagaConflictError(error),
      clock: this.clock,
      random: this.random,
    });
    for (const definition of options.definitions ?? []) this.register(definition);
  }

  /** Makes a definition startable and recoverable by name. */
  register<TData extends object>(definition: SagaDefinition<TData>): this {
    const registered = this.sagas.get(definition.name);
    if (registered) {
      if (registered.definition === definition) return this;
      throw new Error(`Another saga definition named "${definition.name}" is already registered`);
    }
    const validated = validateDefinition(definition) as SagaDefinition<object>;
    this.sagas.set(definition.name, {
      definition: validated,
      policies: new SagaStepPolicies(validated, this.stepPolicySettings),
    });
    return this;
  }

  /**
   * Persists a new saga and runs it in the background; resolves with its id once persisted.
   * A saga whose id exists already is not started again.
   */
  async start<TData extends object>(
    definition: SagaDefinition<TData> | string,
    data: TData,
    options: StartSagaOptions = {},
  ): Promise<string> {
    this.throwIfStopped();
    const saga = this.resolve(definition);
    const nowMs = this.clock.now();
    const id = options.id ?? this.generateId();
    const { trace, traceContext } = SagaRunTrace.started(id, saga.definition.name);
    const instance: SagaInstance<object> = {
      id,
      definitionName: saga.definition.name,
      status: 'RUNNING',
      currentStep: 0,
      data,
      history: startingHistory(saga.definition, nowMs),
      owner: this.owner,
      leaseExpiresAt: nowMs + this.leaseMs,
      version: 1,
      failureReason: null,
      createdAt: nowMs,
      updatedAt: nowMs,
      ...(traceContext && { traceContext }),
    };
    try {
      await (options.persist ?? ((created) => this.store.create(created)))(
        instance as SagaInstance,
      );
    } catch (error) {
      trace.abandoned(isSagaAlreadyExistsError(error) ? 'already-started' : 'store-unavailable');
      if (isSagaAlreadyExistsError(error)) return instance.id;
      throw error;
    }
    this.emitters.started.emit({ sagaId: instance.id, definitionName: instance.definitionName });
    this.launch(instance as SagaInstance, saga, trace);
    return instance.id;
  }

  /**
   * Starts a saga and waits for its end (mostly for tests and scripts). Rejects with a
   * {@link SagaAbandonedError} if this process has to let go of it first.
   */
  async run<TData extends object>(
    definition: SagaDefinition<TData> | string,
    data: TData,
    options: StartSagaOptions = {},
  ): Promise<SagaInstance<TData>> {
    const id = await this.start(definition, data, options);
    return (await this.waitFor(id)) as SagaInstance<TData>;
  }

  /**
   * Waits for a saga running in this orchestrator to end; for any other saga, returns it as
   * stored (or undefined).
   */
  async waitFor(id: string): Promise<SagaInstance | undefined> {
    const run = this.runs.get(id);
    return run ? run.done : this.store.load(id);
  }

  /** The saga as stored. */
  get(id: string): Promise<SagaInstance | undefined> {
    return this.store.load(id);
  }

  /** Ids of the sagas running in this orchestrator right now. */
  get runningSagaIds(): string[] {
    return [...this.runs.keys()];
  }

  /**
   * Takes over every saga whose lease expired and resumes it in the background. Resolves with
   * the ids taken over. Call it on start-up; {@link startRecovery} calls it on an interval.
   */
  recover(): Promise<string[]> {
    this.throwIfStopped();
    return this.recovery.recover();
  }

  /** Runs {@link recover} now and then every `intervalMs` until {@link stop}. */
  startRecovery(intervalMs: number): void {
    positive('intervalMs', intervalMs);
    this.throwIfStopped();
    this.recovery.startInterval(intervalMs);
  }

  /**
   * Stops recovery, aborts the steps running here and waits for them to let go. Their sagas
   * keep their state; once their leases expire another orchestrator resumes them.
   */
  async stop(): Promise<void> {
    this.isStopped = true;
    await this.recovery.stop();
    const runs = [...this.runs.entries()];
    for (const [id, run] of runs) run.context.abort(new SagaAbandonedError(id, 'stopped'));
    await Promise.all(runs.map(([, run]) => run.done.catch(() => undefined)));
  }

  /** Resolves once no saga runs in this orchestrator. */
  async idle(): Promise<void> {
    while (this.runs.size > 0) {
      await Promise.all([...this.runs.values()].map((run) => run.done.catch(() => undefined)));
    }
  }

  private resume(instance: SagaInstance): void {
    const saga = this.sagas.get(instance.definitionName);
    if (!saga) {
      this.abandoned(new SagaAbandonedError(instance.id, 'unknown-definition'));
      return;
    }
    this.emitters.resumed.emit({
      sagaId: instance.id,
      definitionName: instance.definitionName,
      status: instance.status,
      currentStep: instance.currentStep,
    });
    this.launch(instance, saga, SagaRunTrace.resumed(instance, this.owner));
  }

  private launch(instance: SagaInstance, saga: RegisteredSaga, trace: SagaRunTrace): void {
    // A run of the same saga still here lost its lease long ago; make sure it stops first.
    const previous = this.runs.get(instance.id);
    previous?.context.abort(new SagaAbandonedError(instance.id, 'lease-lost'));
    const context = new AbortableContext();
    const done = (previous ? previous.done.catch(() => undefined) : Promise.resolve())
      .then(() => trace.run(() => this.drive(instance, saga, context, trace)))
      .catch((error: unknown) => {
        const abandoned = asAbandoned(instance.id, error);
        trace.abandoned(abandoned.reason);
        throw this.abandoned(abandoned);
      })
      .finally(() => {
        if (this.runs.get(instance.id) === run) this.runs.delete(instance.id);
      });
    // Nobody may be waiting for a background run; its failure is reported through events.
    done.catch(() => undefined);
    const run: SagaRun = { context, done };
    this.runs.set(instance.id, run);
  }

  private abandoned(error: SagaAbandonedError): SagaAbandonedError {
    this.emitters.abandoned.emit({ sagaId: error.sagaId, reason: error.reason, error });
    return error;
  }

  private async drive(
    start: SagaInstance,
    saga: RegisteredSaga,
    context: AbortableContext,
    trace: SagaRunTrace,
  ): Promise<SagaInstance> {
    let current = start;
    const stopRenewing = keepLease(
      this.leaseSettings,
      start.id,
      context,
      () => current.leaseExpiresAt,
    );
    try {
      while (!isTerminalSagaStatus(current.status)) {
        throwIfAborted(context);
        current = await this.advance(current, saga, context, trace);
      }
    } finally {
      stopRenewing();
    }
    trace.ended(current.status, current.failureReason);
    this.emitters.ended.emit({
      sagaId: current.id,
      definitionName: current.definitionName,
      status: current.status,
      durationMs: this.clock.now() - current.createdAt,
      failureReason: current.failureReason,
    });
    return current;
  }

  /** Runs the saga's next action or compensation and writes where that leaves the saga. */
  private async advance(
    current: SagaInstance,
    saga: RegisteredSaga,
    context: AbortableContext,
    trace: SagaRunTrace,
  ): Promise<SagaInstance> {
    const move = nextMove(current, saga.definition);
    if (move.kind === 'write') return this.persist(current, move.changes);
    if (move.phase === 'action') {
      const outcomes = await this.attemptAll(current, saga, move.steps, context, trace);
      return this.persist(
        current,
        afterAction(current, saga.definition, outcomes, this.clock.now()),
      );
    }
    const outcome = await this.attempt(current, saga, move.step, move.phase, context, trace);
    // Compensations retry every error without limit, so only an abort (thrown above) ends them.
    if (!outcome.succeeded) throw outcome.error;
    return this.persist(
      current,
      afterCompensation(current, saga.definition, outcome.attempts, this.clock.now()),
    );
  }

  /** Runs the actions of a group at once and waits for every one of them to end. */
  private async attemptAll(
    current: SagaInstance,
    saga: RegisteredSaga,
    steps: readonly SagaStep<object>[],
    context: AbortableContext,
    trace: SagaRunTrace,
  ): Promise<StepOutcome[]> {
    if (steps.length === 1)
      return [await this.attempt(current, saga, steps[0], 'action', context, trace)];
    const settled = await Promise.allSettled(
      steps.map((step) => this.attempt(current, saga, step, 'action', context, trace)),
    );
    // An attempt throws only when the run was aborted; by now no step of the group still runs.
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<StepOutcome>).value);
  }

  /** Runs an action or compensation under its retry and timeout policy. */
  private async attempt(
    current: SagaInstance,
    saga: RegisteredSaga,
    step: SagaStep<object>,
    phase: SagaPhase,
    context: AbortableContext,
    trace: SagaRunTrace,
  ): Promise<StepOutcome> {
    const policy: Policy = saga.policies.of(step)[phase];
    const startedAtMs = this.clock.now();
    const event = {
      sagaId: current.id,
      definitionName: current.definitionName,
      step: step.name,
      phase,
    };
    let attempts = 0;
    const run = async (policyContext: PolicyContext): Promise<object | void> => {
      attempts = policyContext.attempt ?? attempts + 1;
      const stepContext = stepContextFor(current, step, phase, policyContext, attempts);
      try {
        return await trace.attempt(step.name, phase, attempts, async () =>
          phase === 'action' ? step.action(stepContext) : step.compensate?.(stepContext),
        );
      } catch (error) {
        if (!context.isAborted)
          this.emitters.stepAttemptFailed.emit({ ...event, attempt: attempts, error });
        throw error;
      }
    };
    try {
      const patch = await runInContext(policy, run, context);
      throwIfAborted(context);
      this.emitters.stepSucceeded.emit({
        ...event,
        attempts,
        durationMs: this.clock.now() - startedAtMs,
      });
      return { succeeded: true, patch, attempts };
    } catch (error) {
      // Shutdown or a lost lease says nothing about the step: do not compensate for it.
      throwIfAborted(context);
      this.emitters.stepFailed.emit({
        ...event,
        attempts,
        error,
        durationMs: this.clock.now() - startedAtMs,
      });
      return { succeeded: false, error, attempts };
    }
  }

  /** Writes the next state of the saga (renewing the lease with it) and returns it. */
  private async persist(current: SagaInstance, changes: SagaChanges): Promise<SagaInstance> {
    const nowMs = this.clock.now();
    const status = changes.status ?? current.status;
    const next: SagaInstance = {
      ...current,
      ...changes,
      owner: this.owner,
      leaseExpiresAt: isTerminalSagaStatus(status) ? null : nowMs + this.leaseMs,
      version: current.version + 1,
      updatedAt: nowMs,
    };
    try {
      await this.storeWrites.execute(() => this.store.save(next, current.version, current));
    } catch (error) {
      throw new SagaAbandonedError(
        current.id,
        isSagaConflictError(error) ? 'lease-lost' : 'store-unavailable',
        {
          cause: error,
        },
      );
    }
    return next;
  }

  private resolve(definition: SagaDefinition<object> | string): RegisteredSaga {
    if (typeof definition !== 'string') this.register(definition);
    const name = typeof definition === 'string' ? definition : definition.name;
    const saga = this.sagas.get(name);
    if (!saga) throw new Error(`No saga definition named "${name}" is registered`);
    return saga;
  }

  private throwIfStopped(): void {
    if (this.isStopped) throw new Error(`SagaOrchestrator ${this.owner} is stopped`);
  }
}

function stepContextFor(
  instance: SagaInstance,
  step: SagaStep<object>,
  phase: SagaPhase,
  policyContext: PolicyContext,
  attempt: number,
): SagaStepContext<object> {
  const suffix = phase === 'action' ? '' : ':compensate';
  return {
    sagaId: instance.id,
    definitionName: instance.definitionName,
    stepName: step.name,
    idempotencyKey: `${instance.id}:${step.name}${suffix}`,
    data: instance.data,
    attempt,
    // Read lazily: creating an AbortSignal nobody reads is not free.
    get signal(): AbortSignal {
      return policyContext.signal;
    },
  };
}

function throwIfAborted(context: AbortableContext): void {
  if (context.isAborted) throw context.abortReason;
}

function asAbandoned(sagaId: string, error: unknown): SagaAbandonedError {
  return isSagaAbandonedError(error)
    ? error
    : new SagaAbandonedError(sagaId, 'store-unavailable', { cause: error });
}
