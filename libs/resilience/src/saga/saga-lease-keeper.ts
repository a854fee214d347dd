import type { Clock, ClockTimer } from '../clock/clock';
import type { AbortableContext } from '../policy/execution-context';
import { SagaAbandonedError } from './saga-abandoned.error';
import { isSagaConflictError, type SagaStore } from './saga-store';

/** @internal The orchestrator settings a lease keeper works with. */
export interface SagaLeaseSettings {
  readonly store: SagaStore;
  readonly clock: Clock;
  readonly owner: string;
  readonly leaseMs: number;
  readonly renewIntervalMs: number;
}

/**
 * @internal
 * Renews the lease of saga `id` while it runs; returns the function that stops renewing. Every
 * write of the saga extends its lease too, so a renewal is due a renew interval after the
 * latest extension, whichever made it: a saga whose steps are quicker than that never renews.
 * A lost lease aborts the run; so does a lease this process cannot renew (the store is
 * unreachable) when it would run out before the tick after next: the run stops a renew
 * interval before another orchestrator may take the saga over, so the two never overlap (that
 * interval is the margin for clock skew).
 */
export function keepLease(
  settings: SagaLeaseSettings,
  id: string,
  context: AbortableContext,
  persistedLeaseExpiry: () => number | null,
): () => void {
  const { store, clock, owner, leaseMs, renewIntervalMs } = settings;
  let renewedUntilMs = 0;
  let timer: ClockTimer | undefined;
  const renew = (): void => {
    const extendedUntilMs = Math.max(renewedUntilMs, persistedLeaseExpiry() ?? 0);
    const dueAtMs = extendedUntilMs - leaseMs + renewIntervalMs;
    if (dueAtMs > clock.now()) {
      timer = clock.setTimeout(renew, dueAtMs - clock.now());
      return;
    }
    timer = clock.setTimeout(renew, renewIntervalMs);
    const requestedAtMs = clock.now();
    store.renew(id, owner, requestedAtMs + leaseMs).then(
      () => {
        renewedUntilMs = Math.max(renewedUntilMs, requestedAtMs + leaseMs);
      },
      (error: unknown) => {
        const leaseEndsAtMs = Math.max(renewedUntilMs, persistedLeaseExpiry() ?? 0);
        const nextTickMs = clock.now() + renewIntervalMs;
        if (isSagaConflictError(error) || leaseEndsAtMs - nextTickMs <= renewIntervalMs) {
          context.abort(new SagaAbandonedError(id, 'lease-lost', { cause: error }));
        }
      },
    );
  };
  timer = clock.setTimeout(renew, renewIntervalMs);
  return () => {
    if (timer !== undefined) clock.clearTimeout(timer);
  };
}
