import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { MessageDrain, Metrics } from '@shop/platform';
import { SagaOrchestrator } from '@shop/resilience';
import { OrderSagas } from '../orders/order-sagas.port';
import { OrdersEnv } from '../orders.env';
import { PLACE_ORDER_SAGA } from '../place-order/place-order.saga';

/**
 * Starts recovery with the app and stops the orchestrator before the connections close, so
 * steps in flight let go cleanly and another replica resumes them after the lease.
 */
@Injectable()
export class SagaRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Sagas');

  constructor(
    private readonly orchestrator: SagaOrchestrator,
    private readonly env: OrdersEnv,
    private readonly drain: MessageDrain,
    metrics: Metrics,
    sagas: OrderSagas,
  ) {
    orchestrator.onSagaEnded(({ sagaId, definitionName, status, durationMs, failureReason }) => {
      metrics.sagaOutcomes.inc({ saga: definitionName, outcome: status });
      metrics.sagaDuration.observe({ saga: definitionName, outcome: status }, durationMs / 1000);
      this.logger.log(
        `Saga ${definitionName} ${sagaId} ended ${status}${failureReason ? `: ${failureReason}` : ''}`,
      );
      // A first step that failed leaves nothing to compensate, so no step cancelled the order.
      // The unstarted-orders sweeper does it too, should this process stop before it is done.
      if (definitionName === PLACE_ORDER_SAGA && status !== 'COMPLETED') {
        sagas
          .settlePlacement(sagaId)
          .catch((error: unknown) =>
            this.logger.warn(`Could not settle order ${sagaId} yet: ${String(error)}`),
          );
      }
    });
    orchestrator.onSagaResumed(({ sagaId, definitionName, status }) =>
      this.logger.warn(`Took over saga ${definitionName} ${sagaId} (${status})`),
    );
    orchestrator.onStepAttemptFailed(({ sagaId, step, phase, attempt, error }) =>
      this.logger.warn(
        `Saga ${sagaId} ${phase} ${step} attempt ${attempt} failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    orchestrator.onRecoveryFailed((error) =>
      this.logger.error(`Saga recovery failed; will retry: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.orchestrator.startRecovery(this.env.SAGA_RECOVERY_INTERVAL_MS);
  }

  // Before the connections close, and after the handlers in flight (which start sagas) are done.
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain.drain();
    await this.orchestrator.stop();
  }
}
