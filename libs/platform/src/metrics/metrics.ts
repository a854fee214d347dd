import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Buckets from 5 ms to 10 s: RMQ round trips sit at the low end, saga steps at the high end.
const latencyBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const breakerStateValues: Record<string, number> = {
  CLOSED: 0,
  HALF_OPEN: 1,
  OPEN: 2,
  ISOLATED: 2,
};

export interface QueueDepth {
  queue: string;
  messages: number;
}

/** One app's Prometheus registry and the instruments every app shares. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: latencyBucketsSeconds,
    registers: [this.registry],
  });

  readonly messageHandlerDuration = new Histogram({
    name: 'message_handler_duration_seconds',
    help: 'RMQ message handlers by pattern and outcome',
    labelNames: ['pattern', 'outcome'] as const,
    buckets: latencyBucketsSeconds,
    registers: [this.registry],
  });

  private breakerSources: (() => Iterable<{ name: string; state: string }>)[] = [];

  readonly circuitBreakerState = new Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state per downstream: 0 closed, 1 half-open, 2 open (or isolated)',
    labelNames: ['breaker'] as const,
    registers: [this.registry],
    // Read at scrape time, so the gauge is never stale.
    collect: () => {
      for (const source of this.breakerSources) {
        for (const { name, state } of source())
          this.circuitBreakerState.set({ breaker: name }, breakerStateValues[state] ?? 2);
      }
    },
  });

  readonly sagaOutcomes = new Counter({
    name: 'saga_outcomes_total',
    help: 'Finished sagas by definition and outcome',
    labelNames: ['saga', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly sagaDuration = new Histogram({
    name: 'saga_duration_seconds',
    help: 'Time from a saga start to its end, by definition and outcome',
    labelNames: ['saga', 'outcome'] as const,
    buckets: latencyBucketsSeconds,
    registers: [this.registry],
  });

  private queueSources: (() => Promise<QueueDepth[]>)[] = [];

  readonly queueMessages = new Gauge({
    name: 'rmq_queue_messages',
    help: 'Messages waiting in a queue of the app (its own and its dead-letter queue), read from the broker at scrape time',
    labelNames: ['queue'] as const,
    registers: [this.registry],
    collect: async () => {
      // A queue the broker could not tell about is left out rather than shown stale.
      this.queueMessages.reset();
      for (const source of this.queueSources) {
        for (const { queue, messages } of await source())
          this.queueMessages.set({ queue }, messages);
      }
    },
  });

  /** Reports these breakers' states in `circuit_breaker_state` on every scrape. */
  trackBreakers(source: () => Iterable<{ name: string; state: string }>): void {
    this.breakerSources.push(source);
  }

  /** Reports these queues' depths in `rmq_queue_messages` on every scrape. */
  trackQueues(source: () => Promise<QueueDepth[]>): void {
    this.queueSources.push(source);
  }

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }
}
