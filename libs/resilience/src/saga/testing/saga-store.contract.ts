/**
 * The behaviour every {@link SagaStore} must have, as a Jest suite to run against an
 * implementation. It uses the Jest globals (`describe`, `it`, `expect`, `beforeEach`,
 * `afterEach`) and imports nothing from Jest, so it loads in any Jest project.
 *
 * Time is the suite's: it hands `makeStore` a {@link FakeClock}, and the store must judge
 * lease expiry in `save` and `renew` by `clock.now()`.
 *
 * @example
 * ```ts
 * import { describeSagaStoreContract } from '@shop/resilience/saga/testing/saga-store.contract';
 *
 * describeSagaStoreContract('MySagaStore', async ({ clock }) => {
 *   await db.collection('sagas').deleteMany({});
 *   const store = new MySagaStore(db.collection('sagas'));
 *   store.now = () => clock.now();
 *   return store;
 * });
 * ```
 */
import { FakeClock } from '../../clock/fake-clock';
import { isSagaAlreadyExistsError, isSagaConflictError, type SagaStore } from '../saga-store';
import type { SagaInstance, SagaStatus } from '../saga.types';

export interface SagaStoreContractContext {
  /** The suite's clock: the store must read lease time from it. */
  readonly clock: FakeClock;
}

export interface SagaStoreContractOptions {
  /** Runs after each test, to close connections or drop what the test wrote. */
  readonly cleanup?: (store: SagaStore) => Promise<void> | void;
}

const leaseMs = 30_000;
const startMs = 1_900_000_000_000;

/**
 * Declares the contract suite for a store. `makeStore` runs before each test and must return
 * an empty store that reads time from `context.clock`.
 */
export function describeSagaStoreContract(
  name: string,
  makeStore: (context: SagaStoreContractContext) => SagaStore | Promise<SagaStore>,
  options: SagaStoreContractOptions = {},
): void {
  describe(`${name} (SagaStore contract)`, () => {
    let clock: FakeClock;
    let store: SagaStore;
    let sequence = 0;

    beforeEach(async () => {
      clock = new FakeClock(startMs);
      store = await makeStore({ clock });
    });

    afterEach(async () => {
      await options.cleanup?.(store);
    });

    function saga(overrides: Partial<SagaInstance> = {}): SagaInstance {
      sequence++;
      return {
        id: `contract-${sequence}-${Math.random().toString(36).slice(2, 10)}`,
        definitionName: 'place-order',
        status: 'RUNNING',
        currentStep: 0,
        data: { orderId: `order-${sequence}`, items: [{ sku: 'sku-1', quantity: 2 }], note: null },
        history: [
          {
            step: 'reserve',
            phase: 'action',
            outcome: 'STARTED',
            attempts: null,
            error: null,
            at: clock.now(),
          },
        ],
        owner: 'orchestrator-a',
        leaseExpiresAt: clock.now() + leaseMs,
        version: 1,
        failureReason: null,
        createdAt: clock.now(),
        updatedAt: clock.now(),
        ...overrides,
      };
    }

    function next(instance: SagaInstance, changes: Partial<SagaInstance> = {}): SagaInstance {
      return {
        ...instance,
        currentStep: instance.currentStep + 1,
        ...changes,
        version: instance.version + 1,
      };
    }

    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      return promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    }

    describe('create and load', () => {
      it('loads what it created, field for field', async () => {
        const created = saga();

        await store.create(created);

        expect(await store.load(created.id)).toEqual(created);
      });

      it('loads nothing for an unknown id', async () => {
        expect(await store.load('no-such-saga')).toBeUndefined();
      });

      it('refuses to create a saga whose id is taken', async () => {
        const created = saga();
        await store.create(created);

        const error = await rejection(store.create({ ...created, definitionName: 'other' }));

        expect(isSagaAlreadyExistsError(error)).toBe(true);
        expect((await store.load(created.id))?.definitionName).toBe('place-order');
      });

      it('hands out copies that cannot change what is stored', async () => {
        const created = saga();
        await store.create(created);

        const loaded = await store.load(created.id);
        (loaded?.data as { orderId: string }).orderId = 'tampered';

        expect(await store.load(created.id)).toEqual(created);
      });
    });

    describe('save', () => {
      it('writes the next version while the version matches and the lease holds', async () => {
        const created = saga();
        await store.create(created);
        const updated = next(created, { data: { orderId: 'order-x', paymentId: 'pay-1' } });

        await store.save(updated, created.version);

        expect(await store.load(created.id)).toEqual(updated);
      });

      it('stores the same when handed the previous saga, which lets it write only what changed', async () => {
        const created = saga();
        await store.create(created);
        const updated = next(created, {
          data: { ...created.data, paymentId: 'pay-1' },
          history: [
            ...created.history,
            { ...created.history[0], outcome: 'SUCCEEDED', attempts: 1, at: clock.now() + 1 },
            { ...created.history[0], step: 'pay', at: clock.now() + 1 },
          ],
          updatedAt: clock.now() + 1,
        });

        await store.save(updated, created.version, created);

        expect(await store.load(created.id)).toEqual(updated);
      });

      it('stores a rewritten history too when handed the previous saga', async () => {
        const created = saga();
        await store.create(created);
        const updated = next(created, {
          history: [{ ...created.history[0], outcome: 'FAILED', attempts: 3, error: 'boom' }],
          status: 'COMPENSATING',
          failureReason: 'reserve: boom',
        });

        await store.save(updated, created.version, created);

        expect(await store.load(created.id)).toEqual(updated);
      });

      it('rejects a write based on a stale version', async () => {
        const created = saga();
        await store.create(created);
        await store.save(next(created), created.version);

        const error = await rejection(
          store.save(next(created, { currentStep: 5 }), created.version),
        );

        expect(isSagaConflictError(error)).toBe(true);
        expect((await store.load(created.id))?.currentStep).toBe(1);
      });

      it('lets exactly one of two concurrent writes on one version win', async () => {
        const created = saga();
        await store.create(created);

        const results = await Promise.allSettled([
          store.save(next(created, { currentStep: 1 }), created.version),
          store.save(next(created, { currentStep: 2 }), created.version),
        ]);

        expect(results.filter(({ status }) => status === 'fulfilled')).toHaveLength(1);
        const loser = results.find(
          (result): result is PromiseRejectedResult => result.status === 'rejected',
        );
        expect(isSagaConflictError(loser?.reason)).toBe(true);
        expect((await store.load(created.id))?.version).toBe(created.version + 1);
      });

      it('rejects a write by an orchestrator that does not hold the lease', async () => {
        const created = saga();
        await store.create(created);

        const error = await rejection(
          store.save(next(created, { owner: 'orchestrator-b' }), created.version),
        );

        expect(isSagaConflictError(error)).toBe(true);
      });

      it('rejects a write once the lease has expired, even by its owner', async () => {
        const created = saga();
        await store.create(created);

        clock.jumpTo(created.leaseExpiresAt!);
        const error = await rejection(store.save(next(created), created.version));

        expect(isSagaConflictError(error)).toBe(true);
      });

      it('rejects a write to a saga that does not exist', async () => {
        const error = await rejection(store.save(next(saga()), 1));

        expect(isSagaConflictError(error)).toBe(true);
      });

      it('rejects any write after the saga ended', async () => {
        const created = saga();
        await store.create(created);
        const ended = next(created, { status: 'COMPLETED', leaseExpiresAt: null });
        await store.save(ended, created.version);

        const error = await rejection(
          store.save(next(ended, { status: 'RUNNING' }), ended.version),
        );

        expect(isSagaConflictError(error)).toBe(true);
        expect((await store.load(created.id))?.status).toBe('COMPLETED');
      });
    });

    describe('claimExpired', () => {
      it('takes over active sagas whose lease expired, with a new owner, lease and version', async () => {
        const expired = saga({ leaseExpiresAt: startMs - 1 });
        const unleased = saga({ status: 'COMPENSATING', owner: null, leaseExpiresAt: null });
        await store.create(expired);
        await store.create(unleased);

        const claimed = await store.claimExpired('orchestrator-b', clock.now(), leaseMs, 10);

        expect(claimed.map(({ id }) => id).sort()).toEqual([expired.id, unleased.id].sort());
        const reloaded = await store.load(expired.id);
        expect(reloaded).toEqual({
          ...expired,
          owner: 'orchestrator-b',
          leaseExpiresAt: clock.now() + leaseMs,
          version: expired.version + 1,
        });
        expect(claimed.find(({ id }) => id === expired.id)).toEqual(reloaded);
      });

      it('treats a lease that expires exactly now as expired', async () => {
        const created = saga({ leaseExpiresAt: startMs });
        await store.create(created);

        const claimed = await store.claimExpired('orchestrator-b', clock.now(), leaseMs, 10);

        expect(claimed.map(({ id }) => id)).toEqual([created.id]);
      });

      it('leaves sagas with a live lease alone', async () => {
        await store.create(saga({ leaseExpiresAt: startMs + 1 }));

        expect(await store.claimExpired('orchestrator-b', clock.now(), leaseMs, 10)).toEqual([]);
      });

      it.each<SagaStatus>(['COMPLETED', 'COMPENSATED', 'FAILED'])(
        'never takes over a %s saga',
        async (status) => {
          await store.create(saga({ status, leaseExpiresAt: null }));

          expect(await store.claimExpired('orchestrator-b', clock.now(), leaseMs, 10)).toEqual([]);
        },
      );

      it('takes at most limit sagas per call', async () => {
        for (let i = 0; i < 5; i++) await store.create(saga({ leaseExpiresAt: startMs - 1 }));

        const first = await store.claimExpired('orchestrator-b', clock.now(), leaseMs, 3);
        const second = await store.claimExpired('orchestrator-c', clock.now(), leaseMs, 3);

        expect([first.length, second.length]).toEqual([3, 2]);
      });

      it('never hands one saga to two concurrent claimers', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const created = saga({ leaseExpiresAt: startMs - 1 });
          ids.push(created.id);
          await store.create(created);
        }

        const [byB, byC] = await Promise.all([
          store.claimExpired('orchestrator-b', clock.now(), leaseMs, 10),
          store.claimExpired('orchestrator-c', clock.now(), leaseMs, 10),
        ]);

        const claimedIds = [...byB, ...byC].map(({ id }) => id);
        expect(new Set(claimedIds).size).toBe(claimedIds.length);
        expect(claimedIds.sort()).toEqual(ids.sort());
      });

      it('makes the previous owner lose its next write', async () => {
        const created = saga({ leaseExpiresAt: startMs - 1 });
        await store.create(created);
        await store.claimExpired('orchestrator-b', clock.now(), leaseMs, 10);

        const error = await rejection(
          store.save(next(created, { leaseExpiresAt: startMs + leaseMs }), created.version),
        );

        expect(isSagaConflictError(error)).toBe(true);
      });

      it('lets the new owner write on the claimed version', async () => {
        const created = saga({ leaseExpiresAt: startMs - 1 });
        await store.create(created);
        const [claimed] = await store.claimExpired('orchestrator-b', clock.now(), leaseMs, 10);

        await store.save(next(claimed, { status: 'COMPENSATING' }), claimed.version);

        expect((await store.load(created.id))?.status).toBe('COMPENSATING');
      });
    });

    describe('renew', () => {
      it('extends the lease of its owner without changing the version', async () => {
        const created = saga();
        await store.create(created);

        clock.jumpTo(startMs + leaseMs - 1);
        await store.renew(created.id, 'orchestrator-a', clock.now() + leaseMs);

        expect(await store.load(created.id)).toMatchObject({
          leaseExpiresAt: clock.now() + leaseMs,
          version: created.version,
        });
        expect(await store.claimExpired('orchestrator-b', startMs + leaseMs, leaseMs, 10)).toEqual(
          [],
        );
      });

      it('refuses to renew for an orchestrator that does not hold the lease', async () => {
        const created = saga();
        await store.create(created);

        const error = await rejection(
          store.renew(created.id, 'orchestrator-b', clock.now() + leaseMs),
        );

        expect(isSagaConflictError(error)).toBe(true);
      });

      it('refuses to renew a lease that already expired', async () => {
        const created = saga();
        await store.create(created);

        clock.jumpTo(created.leaseExpiresAt!);
        const error = await rejection(
          store.renew(created.id, 'orchestrator-a', clock.now() + leaseMs),
        );

        expect(isSagaConflictError(error)).toBe(true);
      });

      it('refuses to renew a saga that ended or does not exist', async () => {
        const created = saga();
        await store.create(created);
        await store.save(
          next(created, { status: 'COMPENSATED', leaseExpiresAt: null }),
          created.version,
        );

        const ended = await rejection(
          store.renew(created.id, 'orchestrator-a', clock.now() + leaseMs),
        );
        const missing = await rejection(
          store.renew('no-such-saga', 'orchestrator-a', clock.now() + leaseMs),
        );

        expect([isSagaConflictError(ended), isSagaConflictError(missing)]).toEqual([true, true]);
      });
    });
  });
}
