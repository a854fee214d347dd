import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { PropagatorOptions } from './caller-first.propagator';
import { tracingSettings } from './tracing-settings';

// The exporter retries a backend that does not answer (Jaeger still building) for longer than
// a rollout's grace period should wait on spans.
const SHUTDOWN_DEADLINE_MS = 2_000;

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry for the app when an OTLP endpoint is configured (see
 * {@link tracingSettings}). Call it before anything else loads: instrumentations patch http,
 * amqplib, pg, mongodb and pino as they are first required, so `main.ts` imports the app's
 * `tracing.ts` (which calls this) first.
 *
 * @example
 * ```ts
 * // apps/orders/src/tracing.ts, the first import of main.ts
 * import { startTracing } from '@shop/platform/tracing/start-tracing';
 * startTracing('orders');
 * ```
 */
export function startTracing(
  service: string,
  propagation: PropagatorOptions = { continuesIncomingTraces: true },
): void {
  const settings = tracingSettings(service, process.env);
  if (!settings.isEnabled || sdk) return;
  // Loaded only when tracing is on: the SDK and its exporters cost start-up time and memory
  // an app without a tracing backend should not pay.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createTracingSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  sdk = createTracingSdk(settings.serviceName, propagation);
  sdk.start();
}

/** True once {@link startTracing} started the SDK in this process. */
export function isTracingStarted(): boolean {
  return sdk !== undefined;
}

/**
 * Exports the spans still buffered and stops the SDK; the app calls it as it shuts down. Spans
 * that cannot be delivered within a short deadline are dropped rather than holding the exit.
 */
export async function stopTracing(): Promise<void> {
  const started = sdk;
  sdk = undefined;
  if (!started) return;
  let deadline: NodeJS.Timeout | undefined;
  await Promise.race([
    started.shutdown().catch(() => undefined),
    new Promise<void>((resolve) => (deadline = setTimeout(resolve, SHUTDOWN_DEADLINE_MS))),
  ]);
  clearTimeout(deadline);
}
