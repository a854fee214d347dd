import { InMemorySagaStore } from './in-memory-saga.store';
import { describeSagaStoreContract } from './testing/saga-store.contract';

describeSagaStoreContract(InMemorySagaStore.name, ({ clock }) => new InMemorySagaStore({ clock }));

describe(InMemorySagaStore.name, () => {
  it('refuses data a database could not store either', async () => {
    const sut = new InMemorySagaStore();
    const instance = {
      id: 'saga-1',
      definitionName: 'place-order',
      status: 'RUNNING' as const,
      currentStep: 0,
      data: { amount: BigInt(10) },
      history: [],
      owner: 'a',
      leaseExpiresAt: 1,
      version: 1,
      failureReason: null,
      createdAt: 0,
      updatedAt: 0,
    };

    await expect(sut.create(instance)).rejects.toThrow(TypeError);
  });
});
