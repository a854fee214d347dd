import { type Clock, systemClock } from '../clock/clock';
import { SagaAlreadyExistsError, SagaConflictError, type SagaStore } from './saga-store';
import { isTerminalSagaStatus, type SagaInstance } from './saga.types';

export interface InMemorySagaStoreOptions {
  /** Judges lease expiry in `save` and `renew`. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * A {@link SagaStore} in process memory, for tests and single-process tools. Sagas are kept as
 * JSON text, so data that would not survive a real database fails here too, and no caller can
 * change a stored saga through a reference it kept.
 *
 * @example
 * ```ts
 * const orchestrator = new SagaOrchestrator({ store: new InMemorySagaStore({ clock }), clock });
 * ```
 */
export class InMemorySagaStore implements SagaStore {
  private readonly sagas = new Map<string, string>();
  private readonly clock: Clock;

  constructor(options: InMemorySagaStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async create(instance: SagaInstance): Promise<void> {
    if (this.sagas.has(instance.id)) throw new SagaAlreadyExistsError(instance.id);
    this.sagas.set(instance.id, JSON.stringify(instance));
  }

  async load(id: string): Promise<SagaInstance | undefined> {
    return this.read(id);
  }

  async save(instance: SagaInstance, expectedVersion: number): Promise<void> {
    const stored = this.read(instance.id);
    if (!stored) throw new SagaConflictError(instance.id, 'not-found');
    if (stored.version !== expectedVersion) throw new SagaConflictError(instance.id, 'version');
    if (isTerminalSagaStatus(stored.status)) throw new SagaConflictError(instance.id, 'terminal');
    if (!this.isLeasedTo(stored, instance.owner)) throw new SagaConflictError(instance.id, 'lease');
    this.sagas.set(instance.id, JSON.stringify(instance));
  }

  async claimExpired(
    owner: string,
    nowMs: number,
    leaseMs: number,
    limit: number,
  ): Promise<SagaInstance[]> {
    const claimed: SagaInstance[] = [];
    for (const id of this.sagas.keys()) {
      if (claimed.length >= limit) break;
      const stored = this.read(id)!;
      if (isTerminalSagaStatus(stored.status)) continue;
      if (stored.leaseExpiresAt !== null && stored.leaseExpiresAt > nowMs) continue;
      const taken: SagaInstance = {
        ...stored,
        owner,
        leaseExpiresAt: nowMs + leaseMs,
        version: stored.version + 1,
      };
      this.sagas.set(id, JSON.stringify(taken));
      claimed.push(taken);
    }
    return claimed;
  }

  async renew(id: string, owner: string, leaseExpiresAt: number): Promise<void> {
    const stored = this.read(id);
    if (!stored) throw new SagaConflictError(id, 'not-found');
    if (isTerminalSagaStatus(stored.status)) throw new SagaConflictError(id, 'terminal');
    if (!this.isLeasedTo(stored, owner)) throw new SagaConflictError(id, 'lease');
    this.sagas.set(id, JSON.stringify({ ...stored, leaseExpiresAt }));
  }

  private isLeasedTo(stored: SagaInstance, owner: string | null): boolean {
    return (
      stored.owner === owner &&
      stored.leaseExpiresAt !== null &&
      stored.leaseExpiresAt > this.clock.now()
    );
  }

  private read(id: string): SagaInstance | undefined {
    const text = this.sagas.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as SagaInstance);
  }
}
