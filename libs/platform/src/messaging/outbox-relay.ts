import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../scheduling/periodic-task';
import { DomainEventPublisher } from './domain-events';

// Once a second keeps events prompt and the store calm.
const POLL_INTERVAL_MS = 1_000;

/**
 * What every outbox relay shares: it polls from start-up on, finishes a run in progress on
 * shutdown and then closes its publisher. A relay says how to publish what is pending.
 */
export abstract class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly polling: PeriodicTask;

  protected constructor(
    what: string,
    protected readonly publisher: DomainEventPublisher,
  ) {
    this.polling = new PeriodicTask(
      `Publishing ${what}`,
      POLL_INTERVAL_MS,
      () => this.relayPending(),
      new Logger(new.target.name),
    );
  }

  /** Publishes what is pending and answers how many outbox records it looked at. */
  abstract relayPending(): Promise<number>;

  onApplicationBootstrap(): void {
    this.polling.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.polling.stop();
    await this.publisher.close();
  }
}
