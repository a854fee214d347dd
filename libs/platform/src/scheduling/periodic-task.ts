import { Logger } from '@nestjs/common';

/**
 * Runs a poll (an outbox relay, a sweeper) every `intervalMs`, never two runs at once. A failed
 * run is logged and the next tick tries again; `stop()` waits for a run in progress, so
 * shutdown never cuts one in half.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.running ??= this.run()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn(`${this.what} failed; will retry: ${String(error)}`),
        )
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
