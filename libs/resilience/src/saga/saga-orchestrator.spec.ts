import { BrokenCircuitError } from '../breaker/broken-circuit.error';
import { FakeClock } from '../clock/fake-clock';
import { seededRandom } from '../clock/random';
import { constant } from '../retry/backoff';
import { InMemorySagaStore } from './in-memory-saga.store';
import { isSagaAbandonedError } from './saga-abandoned.error';
import { defineSaga, SagaOrchestrator, type SagaOrchestratorOptions } from './saga-orchestrator';
import { SagaConflictError, type SagaStore } from './saga-store';
import type { SagaDefinition, SagaInstance, SagaStep, SagaStepContext } from './saga.types';

const leaseMs = 10_000;

interface OrderData {
  orderId: string;
  paymentId?: string;
}

/** The downstream services of the saga: effects keyed by idempotency key, so repeats are harmless. */
class World {
  /** Lasting effects of the steps that change something, by idempotency key. */
  readonly effects = new Map<string, string>();
  readonly calls: string[] = [];
  readonly idempotencyKeys: string[] = [];
  /** `${step}:${phase}` -> how many more times it fails (Infinity: always). */
  readonly failures = new Map<string, number>();
  readonly hangs = new Set<string>();

  async act(step: string, context: SagaStepContext<OrderData>): Promise<void> {
    this.calls.push(`${step}:action`);
    this.idempotencyKeys.push(context.idempotencyKey);
    await this.maybeFail(`${step}:action`, context);
    if (step !== 'validate-user') this.effects.set(context.idempotencyKey, step);
  }

  async undo(step: string, context: SagaStepContext<OrderData>): Promise<void> {
    this.calls.push(`${step}:compensation`);
    await this.maybeFail(`${step}:compensation`, context);
    this.effects.delete(`${context.sagaId}:${step}`);
  }

  appliedSteps(): string[] {
    return [...this.effects.values()];
  }

  private async maybeFail(key: string, context: SagaStepContext<OrderData>): Promise<void> {
    if (this.hangs.has(key)) {
      await new Promise<void>((_, reject) =>
        context.signal.addEventListener('abort', () => reject(context.signal.reason)),
      );
    }
    const remaining = this.failures.get(key) ?? 0;
    if (remaining > 0) {
      this.failures.set(key, remaining - 1);
      throw new Error(`${key} failed`);
    }
  }
}

function placeOrder(
  world: World,
  overrides: Partial<Record<string, Partial<SagaStep<OrderData>>>> = {},
): SagaDefinition<OrderData> {
  const step = (
    name: string,
    compensate: boolean,
    extra: Partial<SagaStep<OrderData>> = {},
  ): SagaStep<OrderData> => ({
    name,
    action: (context) => world.act(name, context),
    ...(compensate
      ? { compensate: (context: SagaStepContext<OrderData>) => world.undo(name, context) }
      : {}),
    ...extra,
    ...overrides[name],
  });
  return defineSaga<OrderData>({
    name: 'place-order',
    steps: [
      step('validate-user', false),
      step('reserve-inventory', true),
      step('authorize-payment', true, {
        action: async (context) => {
          await world.act('authorize-payment', context);
          return { paymentId: `pay-${context.data.orderId}` };
        },
      }),
      step('schedule-shipping', true),
      step('capture-payment', false, { pivot: true }),
      step('send-confirmation', false),
    ],
  });
}

const allSteps = [
  'validate-user',
  'reserve-inventory',
  'authorize-payment',
  'schedule-shipping',
  'capture-payment',
  'send-confirmation',
];

type CrashMode = 'halt-before-write' | 'throw-before-write' | 'halt-after-write';

/** Wraps a store; from the Nth state write on, the process it serves is dead. */
class CrashingStore implements SagaStore {
  writes = 0;
  readonly written: SagaInstance[] = [];
  private isDead = false;

  constructor(
    private readonly inner: SagaStore,
    private readonly crashAtWrite = Number.POSITIVE_INFINITY,
    private readonly mode: CrashMode = 'halt-before-write',
  ) {}

  create(instance: SagaInstance): Promise<void> {
    return this.write(instance, () => this.inner.create(instance));
  }
  save(instance: SagaInstance, expectedVersion: number): Promise<void> {
    return this.write(instance, () => this.inner.save(instance, expectedVersion));
  }
  load(id: string): Promise<SagaInstance | undefined> {
    return this.unlessDead(() => this.inner.load(id));
  }
  claimExpired(
    owner: string,
    nowMs: number,
    leaseMsToSet: number,
    limit: number,
  ): Promise<SagaInstance[]> {
    return this.unlessDead(() => this.inner.claimExpired(owner, nowMs, leaseMsToSet, limit));
  }
  renew(id: string, owner: string, leaseExpiresAt: number): Promise<void> {
    return this.unlessDead(() => this.inner.renew(id, owner, leaseExpiresAt));
  }

  private async write(instance: SagaInstance, write: () => Promise<void>): Promise<void> {
    if (this.isDead) return this.dead();
    this.writes++;
    if (this.writes < this.crashAtWrite) {
      await write();
      this.written.push(instance);
      return;
    }
    this.isDead = true;
    if (this.mode === 'halt-after-write') await write();
    return this.dead();
  }

  private unlessDead<T>(operation: () => Promise<T>): Promise<T> {
    return this.isDead ? this.dead() : operation();
  }

  private dead<T>(): Promise<T> {
    return this.mode === 'throw-before-write'
      ? Promise.reject(new Error('store unreachable'))
      : new Promise<T>(() => undefined);
  }
}

describe(SagaOrchestrator.name, () => {
  let clock: FakeClock;
  let store: InMemorySagaStore;
  let world: World;
  const orchestrators: SagaOrchestrator[] = [];

  beforeEach(() => {
    clock = new FakeClock(1_700_000_000_000);
    store = new InMemorySagaStore({ clock });
    world = new World();
  });

  afterEach(async () => {
    await Promise.all(orchestrators.splice(0).map((orchestrator) => stopQuietly(orchestrator)));
  });

  async function stopQuietly(orchestrator: SagaOrchestrator): Promise<void> {
    // A crashed orchestrator may be stuck on a write that never returns; do not wait for it.
    await Promise.race([orchestrator.stop(), clock.settle()]);
  }

  function orchestrator(
    owner: string,
    options: Partial<SagaOrchestratorOptions> = {},
  ): SagaOrchestrator {
    const created = new SagaOrchestrator({
      store,
      owner,
      leaseMs,
      clock,
      random: seededRandom(7),
      forwardBackoff: constant(100),
      compensationBackoff: constant(100),
      definitions: [placeOrder(world)],
      ...options,
    });
    orchestrators.push(created);
    return created;
  }

  describe('on the happy path', () => {
    it('runs every step in order and completes', async () => {
      const sut = orchestrator('a');

      const saga = await sut.run('place-order', { orderId: 'o-1' }, { id: 'saga-1' });

      expect(saga).toMatchObject({
        id: 'saga-1',
        status: 'COMPLETED',
        currentStep: 6,
        leaseExpiresAt: null,
      });
      expect(world.calls).toEqual(allSteps.map((step) => `${step}:action`));
    });

    it('merges the patch a step returns into the data later steps see', async () => {
      const seen: (string | undefined)[] = [];
      const definition = placeOrder(world, {
        'capture-payment': { action: async (context) => void seen.push(context.data.paymentId) },
      });
      const sut = orchestrator('a', { definitions: [definition] });

      const saga = await sut.run(definition, { orderId: 'o-1' });

      expect(seen).toEqual(['pay-o-1']);
      expect(saga.data).toEqual({ orderId: 'o-1', paymentId: 'pay-o-1' });
    });

    it('gives each step the idempotency key sagaId:stepName', async () => {
      const sut = orchestrator('a');

      await sut.run('place-order', { orderId: 'o-1' }, { id: 'saga-1' });

      expect(world.idempotencyKeys).toEqual(allSteps.map((step) => `saga-1:${step}`));
    });

    it('persists the saga before and after every step', async () => {
      const recorded: string[] = [];
      const checkpoint = (name: string) => async (context: SagaStepContext<OrderData>) => {
        const stored = await store.load(context.sagaId);
        const last = stored?.history[stored.history.length - 1];
        recorded.push(
          `${name}: stored at step ${stored?.currentStep}, last ${last?.step} ${last?.outcome}`,
        );
      };
      const definition = defineSaga<OrderData>({
        name: 'checkpoints',
        steps: [
          { name: 'first', action: checkpoint('first') },
          { name: 'second', action: checkpoint('second') },
        ],
      });
      const sut = orchestrator('a', { definitions: [definition] });

      const saga = await sut.run(definition, { orderId: 'o-1' });

      expect(recorded).toEqual([
        'first: stored at step 0, last first STARTED',
        'second: stored at step 1, last second STARTED',
      ]);
      expect(saga.history.map(({ step, outcome }) => `${step} ${outcome}`)).toEqual([
        'first STARTED',
        'first SUCCEEDED',
        'second STARTED',
        'second SUCCEEDED',
      ]);
      expect(await store.load(saga.id)).toEqual(saga);
    });

    it('writes the saga once per step plus once at creation', async () => {
      const counting = new CrashingStore(store);
      const sut = orchestrator('a', { store: counting });

      await sut.run('place-order', { orderId: 'o-1' });

      expect(counting.writes).toBe(allSteps.length + 1);
    });

    it('hands the store the saga it replaces with every save, so a store can write only the change', async () => {
      const replaced: [number, number | undefined][] = [];
      const inner = store;
      const spying: SagaStore = Object.assign(Object.create(inner) as SagaStore, {
        save: (instance: SagaInstance, expectedVersion: number, previous?: SagaInstance) => {
          replaced.push([expectedVersion, previous?.version]);
          return inner.save(instance, expectedVersion);
        },
      });
      const sut = orchestrator('a', { store: spying });

      await sut.run('place-order', { orderId: 'o-1' });

      expect(replaced).toEqual(allSteps.map((_, index) => [index + 1, index + 1]));
    });

    it('renews no lease while every step ends within the renew interval', async () => {
      let renewals = 0;
      const inner = store;
      const counting: SagaStore = Object.assign(Object.create(inner) as SagaStore, {
        renew: (id: string, owner: string, leaseExpiresAt: number) => {
          renewals++;
          return inner.renew(id, owner, leaseExpiresAt);
        },
      });
      const slowStep = () =>
        new Promise<void>((resolve) => void clock.setTimeout(resolve, leaseMs / 4));
      const definition = placeOrder(world, {
        'reserve-inventory': { action: slowStep },
        'schedule-shipping': { action: slowStep },
      });
      const sut = orchestrator('a', { store: counting, definitions: [definition] });

      const running = sut.run(definition, { orderId: 'o-1' });
      await clock.advanceBy(leaseMs);
      await running;

      expect(renewals).toBe(0);
    });

    it('starts a saga once, however often it is started with the same id', async () => {
      const sut = orchestrator('a');

      const ids = [await sut.start('place-order', { orderId: 'o-1' }, { id: 'saga-1' })];
      ids.push(await sut.start('place-order', { orderId: 'o-1' }, { id: 'saga-1' }));
      await sut.idle();

      expect(ids).toEqual(['saga-1', 'saga-1']);
      expect(world.calls.filter((call) => call === 'validate-user:action')).toHaveLength(1);
    });

    it('persists a new saga through `persist` when given one, and runs it from the store', async () => {
      const persisted: SagaInstance[] = [];
      const sut = orchestrator('a');

      await sut.start(
        'place-order',
        { orderId: 'o-1' },
        {
          id: 'saga-1',
          persist: async (instance) => {
            persisted.push(instance);
            await store.create(instance);
          },
        },
      );
      await sut.idle();

      expect(persisted).toEqual([
        expect.objectContaining({ id: 'saga-1', status: 'RUNNING', version: 1, owner: 'a' }),
      ]);
      expect(await store.load('saga-1')).toMatchObject({ status: 'COMPLETED' });
    });

    it('runs nothing when `persist` finds the saga started already', async () => {
      const sut = orchestrator('a');
      await sut.run('place-order', { orderId: 'o-1' }, { id: 'saga-1' });
      world.calls.length = 0;

      const id = await sut.start(
        'place-order',
        { orderId: 'o-1' },
        { id: 'saga-1', persist: (instance) => store.create(instance) },
      );
      await sut.idle();

      expect(id).toBe('saga-1');
      expect(world.calls).toEqual([]);
    });

    it('starts nothing and rejects when `persist` fails', async () => {
      const sut = orchestrator('a');

      const started = sut.start(
        'place-order',
        { orderId: 'o-1' },
        { id: 'saga-1', persist: () => Promise.reject(new Error('store down')) },
      );

      await expect(started).rejects.toThrow('store down');
      await sut.idle();
      expect(world.calls).toEqual([]);
      expect(await store.load('saga-1')).toBeUndefined();
    });

    it('returns the stored saga when asked to wait for one that does not run here', async () => {
      const sut = orchestrator('a');
      await sut.run('place-order', { orderId: 'o-1' }, { id: 'saga-1' });

      expect(await sut.waitFor('saga-1')).toMatchObject({ status: 'COMPLETED' });
      expect(await sut.get('saga-2')).toBeUndefined();
    });
  });

  describe('when a step before the pivot fails', () => {
    const compensatable = ['reserve-inventory', 'authorize-payment', 'schedule-shipping'];

    it.each(allSteps.slice(0, 4).map((step, index) => [step, index] as const))(
      'compensates exactly the completed steps, in reverse, when %s fails',
      async (failingStep, index) => {
        world.failures.set(`${failingStep}:action`, Number.POSITIVE_INFINITY);
        const sut = orchestrator('a');

        const saga = await sut.run('place-order', { orderId: 'o-1' });

        const undone = compensatable.filter((step) => allSteps.indexOf(step) < index).reverse();
        expect(world.calls.filter((call) => call.endsWith(':compensation'))).toEqual(
          undone.map((step) => `${step}:compensation`),
        );
        expect(saga).toMatchObject({
          status: 'COMPENSATED',
          failureReason: `${failingStep}: Error: ${failingStep}:action failed`,
        });
        expect(world.appliedSteps()).toEqual([]);
      },
    );

    it('hands the compensation the data the actions produced and its own idempotency key', async () => {
      world.failures.set('schedule-shipping:action', 1);
      const seen: string[] = [];
      const definition = placeOrder(world, {
        'authorize-payment': {
          compensate: async (context) =>
            void seen.push(`${context.idempotencyKey} ${context.data.paymentId}`),
        },
      });
      const sut = orchestrator('a', { definitions: [definition] });

      await sut.run(definition, { orderId: 'o-1' }, { id: 'saga-1' });

      expect(seen).toEqual(['saga-1:authorize-payment:compensate pay-o-1']);
    });

    it('retries a failing compensation with backoff until it succeeds', async () => {
      world.failures.set('schedule-shipping:action', 1);
      world.failures.set('authorize-payment:compensation', 3);
      const sut = orchestrator('a');

      const saga = sut.run('place-order', { orderId: 'o-1' });
      await clock.advanceBy(299);
      expect(world.appliedSteps()).toContain('authorize-payment');
      await clock.advanceBy(1);

      expect(await saga).toMatchObject({ status: 'COMPENSATED' });
      expect(world.calls.filter((call) => call === 'authorize-payment:compensation')).toHaveLength(
        4,
      );
      expect(world.appliedSteps()).toEqual([]);
    });

    it('retries the action when the step allows it, and goes on when a retry succeeds', async () => {
      world.failures.set('reserve-inventory:action', 2);
      const definition = placeOrder(world, {
        'reserve-inventory': { retry: { maxAttempts: 3, backoff: constant(10) } },
      });
      const sut = orchestrator('a', { definitions: [definition] });

      const saga = sut.run(definition, { orderId: 'o-1' });
      await clock.advanceBy(20);

      expect(await saga).toMatchObject({ status: 'COMPLETED' });
      expect((await saga).history).toContainEqual(
        expect.objectContaining({ step: 'reserve-inventory', outcome: 'SUCCEEDED', attempts: 3 }),
      );
    });

    it('fails a step whose action times out, aborting its signal, and compensates', async () => {
      world.hangs.add('schedule-shipping:action');
      const definition = placeOrder(world, { 'schedule-shipping': { timeoutMs: 500 } });
      const sut = orchestrator('a', { definitions: [definition] });

      const saga = sut.run(definition, { orderId: 'o-1' });
      await clock.advanceBy(500);

      expect(await saga).toMatchObject({
        status: 'COMPENSATED',
        failureReason: 'schedule-shipping: TimeoutError: Operation timed out after 500 ms',
      });
    });

    it('ends COMPENSATED at once when no completed step has anything to undo', async () => {
      world.failures.set('reserve-inventory:action', 1);
      const sut = orchestrator('a');

      const saga = await sut.run('place-order', { orderId: 'o-1' });

      expect(saga.status).toBe('COMPENSATED');
      expect(world.calls).toEqual(['validate-user:action', 'reserve-inventory:action']);
    });
  });

  describe('with steps that run together', () => {
    // validate-user with reserve-inventory, authorize-payment with schedule-shipping.
    const inPairs = () =>
      placeOrder(world, {
        'reserve-inventory': { runsWithPrevious: true },
        'schedule-shipping': { runsWithPrevious: true },
      });
    const pairedWrites = 5;

    it('starts the actions of a group at once', async () => {
      const started: string[] = [];
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const waiting = (name: string) => async () => {
        started.push(name);
        await gate;
      };
      const definition = placeOrder(world, {
        'validate-user': { action: waiting('validate-user') },
        'reserve-inventory': { runsWithPrevious: true, action: waiting('reserve-inventory') },
      });
      const sut = orchestrator('a', { definitions: [definition] });

      const saga = sut.run(definition, { orderId: 'o-1' });
      await clock.settle();
      const startedTogether = [...started];
      release();

      expect(startedTogether).toEqual(['validate-user', 'reserve-inventory']);
      expect(await saga).toMatchObject({ status: 'COMPLETED' });
    });

    it('writes the saga once per group plus once at creation', async () => {
      const counting = new CrashingStore(store);
      const definition = inPairs();
      const sut = orchestrator('a', { store: counting, definitions: [definition] });

      const saga = await sut.run(definition, { orderId: 'o-1' });

      expect(counting.writes).toBe(pairedWrites);
      expect(saga.history.filter((entry) => entry.outcome === 'SUCCEEDED')).toHaveLength(
        allSteps.length,
      );
    });

    it('compensates the steps of a failed group that succeeded, then the earlier ones, never the failed one', async () => {
      world.failures.set('authorize-payment:action', Number.POSITIVE_INFINITY);
      const definition = inPairs();
      const sut = orchestrator('a', { definitions: [definition] });

      const saga = await sut.run(definition, { orderId: 'o-1' });

      expect(world.calls.filter((call) => call.endsWith(':compensation'))).toEqual([
        'schedule-shipping:compensation',
        'reserve-inventory:compensation',
      ]);
      expect(saga).toMatchObject({
        status: 'COMPENSATED',
        failureReason: 'authorize-payment: Error: authorize-payment:action failed',
      });
      expect(world.appliedSteps()).toEqual([]);
    });

    it('keeps the patch of a step whose group failed, for its compensation', async () => {
      world.failures.set('schedule-shipping:action', Number.POSITIVE_INFINITY);
      const seen: (string | undefined)[] = [];
      const definition = placeOrder(world, {
        'schedule-shipping': { runsWithPrevious: true },
        'authorize-payment': {
          compensate: async (context) => void seen.push(context.data.paymentId),
        },
      });
      const sut = orchestrator('a', { definitions: [definition] });

      await sut.run(definition, { orderId: 'o-1' });

      expect(seen).toEqual(['pay-o-1']);
    });
  });

  describe('when a downstream circuit is open', () => {
    const openCircuit = (): Promise<never> =>
      Promise.reject(new BrokenCircuitError('payments', 'OPEN', 5_000));

    it('compensates at once when a step before the pivot meets it', async () => {
      const definition = placeOrder(world, { 'authorize-payment': { action: openCircuit } });
      const sut = orchestrator('a', { definitions: [definition] });

      const saga = await sut.run(definition, { orderId: 'o-1' });

      expect(saga).toMatchObject({ status: 'COMPENSATED' });
      expect(saga.failureReason).toContain('BrokenCircuitError');
    });

    it('waits until the circuit lets calls through, then finishes a compensation', async () => {
      world.failures.set('schedule-shipping:action', 1);
      let isOpen = true;
      const definition = placeOrder(world, {
        'authorize-payment': { compensate: () => (isOpen ? openCircuit() : Promise.resolve()) },
      });
      const sut = orchestrator('a', { definitions: [definition] });
      const saga = sut.run(definition, { orderId: 'o-1' });

      await clock.advanceBy(4_999);
      isOpen = false;
      await clock.advanceBy(1);

      expect(await saga).toMatchObject({ status: 'COMPENSATED' });
    });

    it('waits it out past the pivot instead of failing the saga', async () => {
      let rejections = 2;
      const definition = placeOrder(world, {
        'capture-payment': { action: () => (rejections-- > 0 ? openCircuit() : Promise.resolve()) },
      });
      const sut = orchestrator('a', { definitions: [definition] });
      const saga = sut.run(definition, { orderId: 'o-1' });

      await clock.advanceBy(10_000);

      expect(await saga).toMatchObject({ status: 'COMPLETED' });
    });
  });

  describe('at and after the pivot', () => {
    it('retries the pivot forward until it succeeds and never compensates', async () => {
      world.failures.set('capture-payment:action', 4);
      const sut = orchestrator('a');

      const saga = sut.run('place-order', { orderId: 'o-1' });
      await clock.advanceBy(400);

      expect(await saga).toMatchObject({ status: 'COMPLETED' });
      expect(world.calls.filter((call) => call === 'capture-payment:action')).toHaveLength(5);
      expect(world.calls.some((call) => call.endsWith(':compensation'))).toBe(false);
    });

    it('retries the steps after the pivot forward as well', async () => {
      world.failures.set('send-confirmation:action', 2);
      const sut = orchestrator('a');

      const saga = sut.run('place-order', { orderId: 'o-1' });
      await clock.advanceBy(200);

      expect(await saga).toMatchObject({ status: 'COMPLETED' });
    });

    it('ends FAILED, undoing nothing, when a bounded retry after the pivot gives up', async () => {
      world.failures.set('send-confirmation:action', Number.POSITIVE_INFINITY);
      const definition = placeOrder(world, { 'send-confirmation': { retry: { maxAttempts: 2 } } });
      const sut = orchestrator('a', { definitions: [definition] });

      const saga = sut.run(definition, { orderId: 'o-1' });
      await clock.advanceBy(100);

      expect(await saga).toMatchObject({
        status: 'FAILED',
        failureReason: 'send-confirmation: Error: send-confirmation:action failed',
      });
      expect(world.calls.some((call) => call.endsWith(':compensation'))).toBe(false);
    });
  });

  describe.each([
    ['one step at a time', () => placeOrder(world), allSteps.length + 1, 7],
    [
      'steps that run in pairs',
      () =>
        placeOrder(world, {
          'reserve-inventory': { runsWithPrevious: true },
          'schedule-shipping': { runsWithPrevious: true },
        }),
      5,
      5,
    ],
  ] as const)('after a crash, with %s', (_, definitionOf, happyPathWrites, compensationWrites) => {
    const modes: CrashMode[] = ['halt-before-write', 'throw-before-write', 'halt-after-write'];
    const cases = (writes: number) =>
      modes.flatMap((mode) =>
        Array.from({ length: writes }, (_, index) => [index + 1, mode] as const),
      );

    async function crashThenRecover(
      crashAtWrite: number,
      mode: CrashMode,
    ): Promise<SagaInstance | undefined> {
      const definitions = [definitionOf()];
      const crashing = new CrashingStore(store, crashAtWrite, mode);
      const first = orchestrator('a', { store: crashing, definitions });
      first.start('place-order', { orderId: 'o-1' }, { id: 'saga-1' }).catch(() => undefined);
      await clock.advanceBy(leaseMs);

      const second = orchestrator('b', { definitions });
      await second.recover();
      await second.idle();
      return store.load('saga-1');
    }

    it('writes as often as the crash cases below assume', async () => {
      const counting = new CrashingStore(store);
      world.failures.set('schedule-shipping:action', 1);

      await orchestrator('a', { store: counting, definitions: [definitionOf()] }).run(
        'place-order',
        { orderId: 'o-1' },
      );

      expect(counting.writes).toBe(compensationWrites);
    });

    it.each(cases(happyPathWrites))(
      'completes the saga when the first orchestrator dies at write %i (%s)',
      async (crashAtWrite, mode) => {
        const saga = await crashThenRecover(crashAtWrite, mode);

        if (crashAtWrite === 1 && mode !== 'halt-after-write') {
          expect(saga).toBeUndefined();
          return;
        }
        expect(saga).toMatchObject({ status: 'COMPLETED', data: { paymentId: 'pay-o-1' } });
        expect(world.appliedSteps()).toEqual(allSteps.slice(1));
      },
    );

    it.each(cases(compensationWrites))(
      'compensates the saga fully when the first orchestrator dies at write %i (%s)',
      async (crashAtWrite, mode) => {
        world.failures.set('schedule-shipping:action', Number.POSITIVE_INFINITY);

        const saga = await crashThenRecover(crashAtWrite, mode);

        if (crashAtWrite === 1 && mode !== 'halt-after-write') {
          expect(saga).toBeUndefined();
          return;
        }
        expect(saga).toMatchObject({ status: 'COMPENSATED' });
        expect(world.appliedSteps()).toEqual([]);
        expect(world.calls).not.toContain('capture-payment:action');
      },
    );
  });

  describe('after a crash while compensating', () => {
    it('resumes a compensating saga at its next compensation', async () => {
      world.failures.set('schedule-shipping:action', 1);
      const crashing = new CrashingStore(store, 7);
      void orchestrator('a', { store: crashing }).start(
        'place-order',
        { orderId: 'o-1' },
        { id: 'saga-1' },
      );
      await clock.advanceBy(leaseMs);
      const stalled = await store.load('saga-1');
      const resumed = jest.fn();
      const second = orchestrator('b');
      second.onSagaResumed(resumed);

      await second.recover();
      await second.idle();

      expect(stalled).toMatchObject({ status: 'COMPENSATING', currentStep: 1 });
      expect(resumed).toHaveBeenCalledWith({
        sagaId: 'saga-1',
        definitionName: 'place-order',
        status: 'COMPENSATING',
        currentStep: 1,
      });
      expect(await store.load('saga-1')).toMatchObject({ status: 'COMPENSATED' });
    });
  });

  describe('with several orchestrators on one store', () => {
    async function strandedSaga(id: string): Promise<void> {
      const nowMs = clock.now();
      await store.create({
        id,
        definitionName: 'place-order',
        status: 'RUNNING',
        currentStep: 0,
        data: { orderId: id },
        history: [],
        owner: 'crashed',
        leaseExpiresAt: nowMs - 1,
        version: 1,
        failureReason: null,
        createdAt: nowMs,
        updatedAt: nowMs,
      });
    }

    it('lets only one of two racing orchestrators take over a saga, so each step runs once', async () => {
      await strandedSaga('saga-1');
      const first = orchestrator('a');
      const second = orchestrator('b');

      const [claimedByFirst, claimedBySecond] = await Promise.all([
        first.recover(),
        second.recover(),
      ]);
      await Promise.all([first.idle(), second.idle()]);

      expect([...claimedByFirst, ...claimedBySecond]).toEqual(['saga-1']);
      expect(world.calls).toEqual(allSteps.map((step) => `${step}:action`));
      expect(await store.load('saga-1')).toMatchObject({ status: 'COMPLETED' });
    });

    it('takes over every stranded saga, batch after batch', async () => {
      for (let i = 1; i <= 5; i++) await strandedSaga(`saga-${i}`);
      const sut = orchestrator('a', { recoveryBatchSize: 2 });

      const claimed = await sut.recover();
      await sut.idle();

      expect(claimed.sort()).toEqual(['saga-1', 'saga-2', 'saga-3', 'saga-4', 'saga-5']);
    });

    it('keeps the lease of a long step, so nobody else takes the saga over', async () => {
      let finishStep!: () => void;
      const definition = placeOrder(world, {
        'reserve-inventory': {
          action: () => new Promise<void>((resolve) => (finishStep = resolve)),
        },
      });
      const first = orchestrator('a', { definitions: [definition] });
      const second = orchestrator('b', { definitions: [definition] });
      const saga = first.run(definition, { orderId: 'o-1' });

      for (let i = 0; i < 5; i++) {
        await clock.advanceBy(leaseMs);
        expect(await second.recover()).toEqual([]);
      }
      finishStep();

      expect(await saga).toMatchObject({ status: 'COMPLETED', owner: 'a' });
    });

    it('stops a run that cannot renew its lease before anyone may take it over, and never overwrites the new owner', async () => {
      let finishStep!: () => void;
      const signals: AbortSignal[] = [];
      const definition = placeOrder(world, {
        'reserve-inventory': {
          action: (context) => {
            signals.push(context.signal);
            return signals.length === 1
              ? new Promise<void>((resolve) => (finishStep = resolve))
              : Promise.resolve();
          },
        },
      });
      const partitioned = new CrashingStore(store);
      partitioned.renew = () => Promise.reject(new Error('network partition'));
      const first = orchestrator('a', { store: partitioned, definitions: [definition] });
      const second = orchestrator('b', { definitions: [definition] });
      const abandoned = jest.fn();
      first.onSagaAbandoned(abandoned);
      const firstRun = first
        .run(definition, { orderId: 'o-1' }, { id: 'saga-1' })
        .catch((error: unknown) => error);

      await clock.advanceBy(leaseMs - 1);
      const abortedBeforeExpiry = signals[0].aborted;
      await clock.advanceBy(1);
      await second.recover();
      await second.idle();
      finishStep();

      expect(abortedBeforeExpiry).toBe(true);
      expect(isSagaAbandonedError(await firstRun)).toBe(true);
      expect(abandoned).toHaveBeenCalledWith(
        expect.objectContaining({ sagaId: 'saga-1', reason: 'lease-lost' }),
      );
      expect(await store.load('saga-1')).toMatchObject({ status: 'COMPLETED', owner: 'b' });
      expect(world.calls.filter((call) => call === 'schedule-shipping:action')).toHaveLength(1);
    });

    it('aborts the running step when a renewal finds the lease taken', async () => {
      const signals: AbortSignal[] = [];
      world.hangs.add('reserve-inventory:action');
      const definition = placeOrder(world, {
        'reserve-inventory': {
          action: (context) => {
            signals.push(context.signal);
            return world.act('reserve-inventory', context);
          },
        },
      });
      const taken = new CrashingStore(store);
      taken.renew = (id) => Promise.reject(new SagaConflictError(id, 'lease'));
      const sut = orchestrator('a', { store: taken, definitions: [definition] });
      const run = sut.run(definition, { orderId: 'o-1' }).catch((error: unknown) => error);

      await clock.advanceBy(leaseMs / 3);

      expect(signals[0].aborted).toBe(true);
      expect(await run).toMatchObject({ reason: 'lease-lost' });
      expect(world.calls.some((call) => call.endsWith(':compensation'))).toBe(false);
    });

    it('keeps running through a renewal that fails once', async () => {
      let finishStep!: () => void;
      const signals: AbortSignal[] = [];
      const definition = placeOrder(world, {
        'reserve-inventory': {
          action: (context) => {
            signals.push(context.signal);
            return new Promise<void>((resolve) => (finishStep = resolve));
          },
        },
      });
      const flaky = new CrashingStore(store);
      let renewals = 0;
      flaky.renew = (...args) =>
        ++renewals === 1 ? Promise.reject(new Error('blip')) : store.renew(...args);
      const sut = orchestrator('a', { store: flaky, definitions: [definition] });
      const saga = sut.run(definition, { orderId: 'o-1' });

      await clock.advanceBy(3 * leaseMs);
      finishStep();

      expect(await saga).toMatchObject({ status: 'COMPLETED' });
      expect(signals[0].aborted).toBe(false);
    });

    it('hands a saga to recovery when the store keeps failing', async () => {
      const failing = new CrashingStore(store, 2, 'throw-before-write');
      const sut = orchestrator('a', { store: failing });
      const run = sut.run('place-order', { orderId: 'o-1' }).catch((error: unknown) => error);

      await clock.advanceBy(1_000);

      expect(await run).toMatchObject({ reason: 'store-unavailable' });
    });
  });

  describe('recovery', () => {
    it('runs on an interval until stopped', async () => {
      const crashing = new CrashingStore(store, 2);
      void orchestrator('a', { store: crashing }).start(
        'place-order',
        { orderId: 'o-1' },
        { id: 'saga-1' },
      );
      const sut = orchestrator('b');

      sut.startRecovery(5_000);
      await clock.advanceBy(leaseMs + 5_000);
      await sut.idle();
      await sut.stop();

      expect(await store.load('saga-1')).toMatchObject({ status: 'COMPLETED', owner: 'b' });
      expect(() => sut.startRecovery(5_000)).toThrow('is stopped');
      await expect(sut.start('place-order', { orderId: 'o-2' })).rejects.toThrow('is stopped');
    });

    it('reports a failed recovery round and tries again on the next', async () => {
      const flaky = new CrashingStore(store);
      let failuresLeft = 1;
      flaky.claimExpired = (...args) =>
        failuresLeft-- > 0 ? Promise.reject(new Error('store down')) : store.claimExpired(...args);
      const sut = orchestrator('b', { store: flaky });
      const failed = jest.fn();
      sut.onRecoveryFailed(failed);

      sut.startRecovery(1_000);
      await clock.advanceBy(1_000);

      expect(failed).toHaveBeenCalledWith(new Error('store down'));
      expect(failuresLeft).toBe(-1);
    });

    it('leaves a saga of an unknown definition to someone who knows it', async () => {
      const definition = defineSaga<OrderData>({
        name: 'refund',
        steps: [{ name: 'refund', action: async () => undefined }],
      });
      const crashing = new CrashingStore(store, 2);
      void orchestrator('a', { store: crashing, definitions: [definition] }).start(
        definition,
        { orderId: 'o-1' },
        { id: 'saga-1' },
      );
      await clock.advanceBy(leaseMs);
      const sut = orchestrator('b');
      const abandoned = jest.fn();
      sut.onSagaAbandoned(abandoned);

      await sut.recover();

      expect(abandoned).toHaveBeenCalledWith(
        expect.objectContaining({ sagaId: 'saga-1', reason: 'unknown-definition' }),
      );
    });

    it('fails a saga whose definition lost the step it was at', async () => {
      const nowMs = clock.now();
      await store.create({
        id: 'saga-1',
        definitionName: 'place-order',
        status: 'RUNNING',
        currentStep: 17,
        data: { orderId: 'o-1' },
        history: [],
        owner: null,
        leaseExpiresAt: null,
        version: 1,
        failureReason: null,
        createdAt: nowMs,
        updatedAt: nowMs,
      });
      const sut = orchestrator('a');

      await sut.recover();
      await sut.idle();

      expect(await store.load('saga-1')).toMatchObject({
        status: 'FAILED',
        failureReason: 'definition "place-order" has no step 17',
      });
    });
  });

  describe('stop', () => {
    it('aborts running steps without compensating, and another orchestrator finishes the saga later', async () => {
      world.hangs.add('reserve-inventory:action');
      const first = orchestrator('a');
      const run = first
        .run('place-order', { orderId: 'o-1' }, { id: 'saga-1' })
        .catch((error: unknown) => error);
      await clock.settle();

      await first.stop();
      world.hangs.clear();
      await clock.advanceBy(leaseMs);
      const second = orchestrator('b');
      await second.recover();
      await second.idle();

      expect(await run).toMatchObject({ reason: 'stopped' });
      expect(world.calls.some((call) => call.endsWith(':compensation'))).toBe(false);
      expect(await store.load('saga-1')).toMatchObject({ status: 'COMPLETED', owner: 'b' });
    });
  });

  describe('events', () => {
    it('reports the start, every step and the end with durations', async () => {
      world.failures.set('reserve-inventory:action', 1);
      const sut = orchestrator('a');
      const events: string[] = [];
      sut.onSagaStarted(({ sagaId }) => events.push(`started ${sagaId}`));
      sut.onStepSucceeded(({ step, phase }) => events.push(`succeeded ${step} ${phase}`));
      sut.onStepAttemptFailed(({ step, attempt }) =>
        events.push(`attempt ${attempt} of ${step} failed`),
      );
      sut.onStepFailed(({ step, attempts }) => events.push(`failed ${step} after ${attempts}`));
      sut.onSagaEnded(({ status, durationMs, failureReason }) =>
        events.push(`ended ${status} ${durationMs} ${failureReason}`),
      );

      await sut.run('place-order', { orderId: 'o-1' }, { id: 'saga-1' });

      expect(events).toEqual([
        'started saga-1',
        'succeeded validate-user action',
        'attempt 1 of reserve-inventory failed',
        'failed reserve-inventory after 1',
        'ended COMPENSATED 0 reserve-inventory: Error: reserve-inventory:action failed',
      ]);
    });
  });

  describe('definitions', () => {
    const step = (name: string, extra: Partial<SagaStep<OrderData>> = {}): SagaStep<OrderData> => ({
      name,
      action: async () => undefined,
      ...extra,
    });

    it.each<[string, SagaDefinition<OrderData>]>([
      ['A saga definition needs a name', { name: '', steps: [step('a')] }],
      ['Saga "s" has no steps', { name: 's', steps: [] }],
      ['Saga "s" has two steps named "a"', { name: 's', steps: [step('a'), step('a')] }],
      [
        'Saga "s" has more than one pivot step',
        { name: 's', steps: [step('a', { pivot: true }), step('b', { pivot: true })] },
      ],
      [
        'is the pivot: it cannot have a compensation',
        { name: 's', steps: [step('a', { pivot: true, compensate: async () => undefined })] },
      ],
      [
        'is the first: there is no previous step to run with',
        { name: 's', steps: [step('a', { runsWithPrevious: true })] },
      ],
      [
        'is the pivot: it runs alone',
        { name: 's', steps: [step('a'), step('b', { pivot: true, runsWithPrevious: true })] },
      ],
      [
        'is the pivot: it runs alone',
        { name: 's', steps: [step('a', { pivot: true }), step('b', { runsWithPrevious: true })] },
      ],
      [
        'comes after the pivot',
        {
          name: 's',
          steps: [step('a', { pivot: true }), step('b', { compensate: async () => undefined })],
        },
      ],
    ])('rejects a definition: %s', (message, definition) => {
      expect(() => defineSaga(definition)).toThrow(message);
    });

    it('refuses two different definitions with one name', () => {
      const sut = orchestrator('a');

      expect(() => sut.register(placeOrder(world))).toThrow(
        'Another saga definition named "place-order"',
      );
    });

    it('refuses to start a definition it does not know by name', async () => {
      await expect(orchestrator('a').start('refund', { orderId: 'o-1' })).rejects.toThrow(
        'No saga definition named "refund" is registered',
      );
    });

    it('rejects a renewal interval that is not shorter than the lease', () => {
      expect(() => orchestrator('a', { renewIntervalMs: leaseMs })).toThrow(
        'must be shorter than leaseMs',
      );
    });
  });
});
