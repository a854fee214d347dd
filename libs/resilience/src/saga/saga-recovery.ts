import type { Clock, ClockTimer } from '../clock/clock';
import type { SagaStore } from './saga-store';
import type { SagaInstance } from './saga.types';

/** @internal The orchestrator settings recovery works with. */
export interface SagaRecoverySettings {
  readonly store: SagaStore;
  readonly clock: Clock;
  readonly owner: string;
  readonly leaseMs: number;
  /** Sagas claimed per store query. */
  readonly recoveryBatchSize: number;
}

/**
 * @internal
 * Takes over sagas whose lease expired: claims them from the store batch by batch and hands each
 * to `resume`. Rounds run one after the other, never overlapping, on demand or on an interval.
 */
export class SagaRecovery {
  private timer: ClockTimer | undefined;
  private recovering: Promise<unknown> = Promise.resolve();
  private isStopped = false;

  constructor(
    private readonly settings: SagaRecoverySettings,
    private readonly resume: (instance: SagaInstance) => void,
    private readonly onRoundFailed: (error: unknown) => void,
  ) {}

  /** Runs a round after the one in progress; resolves with the ids taken over. */
  recover(): Promise<string[]> {
    const round = this.recovering.then(() => this.claimAndResume());
    this.recovering = round.catch(() => undefined);
    return round;
  }

  /** Runs a round now and then every `intervalMs` after the previous one ended. */
  startInterval(intervalMs: number): void {
    this.stopInterval();
    const round = (): void => {
      this.recover().then(
        () => this.schedule(round, intervalMs),
        (error: unknown) => {
          this.onRoundFailed(error);
          this.schedule(round, intervalMs);
        },
      );
    };
    this.timer = this.settings.clock.setTimeout(round, 0);
  }

  /** Stops the interval, ends the round in progress after its current batch, and waits for it. */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.stopInterval();
    await this.recovering;
  }

  private schedule(round: () => void, intervalMs: number): void {
    if (!this.isStopped) this.timer = this.settings.clock.setTimeout(round, intervalMs);
  }

  private stopInterval(): void {
    if (this.timer !== undefined) this.settings.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async claimAndResume(): Promise<string[]> {
    const { store, clock, owner, leaseMs, recoveryBatchSize } = this.settings;
    const claimedIds: string[] = [];
    for (;;) {
      if (this.isStopped) return claimedIds;
      const claimed = await store.claimExpired(owner, clock.now(), leaseMs, recoveryBatchSize);
      for (const instance of claimed) {
        claimedIds.push(instance.id);
        this.resume(instance);
      }
      if (claimed.length < recoveryBatchSize) return claimedIds;
    }
  }
}
