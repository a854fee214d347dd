import { trace } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { CircuitBreakerRegistry, isBrokenCircuitError } from '@shop/resilience';
import { recordBreakerEventsOnSpans } from './breaker-span-events';

const exporter = new node.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({
  spanProcessors: [new node.SimpleSpanProcessor(exporter)],
});

/** Runs `work` inside a span of its own, swallowing its failure, and ends the span. */
async function inSpan(name: string, work: () => Promise<unknown>): Promise<void> {
  await trace.getTracer('test').startActiveSpan(name, async (span) => {
    await work().catch(() => undefined);
    span.end();
  });
}

function eventsOf(name: string) {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  return span?.events.map((event) => ({ name: event.name, attributes: event.attributes }));
}

describe(recordBreakerEventsOnSpans.name, () => {
  beforeAll(() => provider.register());

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
  });

  it('tells the span of the call that opened a breaker, and of a call it then rejected', async () => {
    const registry = new CircuitBreakerRegistry({
      failureRateThreshold: 1,
      minimumNumberOfCalls: 1,
      openDurationMs: 60_000,
    });
    recordBreakerEventsOnSpans(registry);
    const breaker = registry.get('payments');
    let rejection: unknown;

    await inSpan('failing call', () =>
      breaker.execute(() => Promise.reject(new Error('payments down'))),
    );
    await inSpan('rejected call', () =>
      breaker.execute(() => Promise.resolve()).catch((error: unknown) => {
        rejection = error;
        throw error;
      }),
    );

    expect(isBrokenCircuitError(rejection)).toBe(true);
    expect(eventsOf('failing call')).toEqual([
      {
        name: 'circuit breaker state change',
        attributes: {
          'breaker.name': 'payments',
          'breaker.from': 'CLOSED',
          'breaker.to': 'OPEN',
          'breaker.reason': 'failure-rate',
        },
      },
    ]);
    expect(eventsOf('rejected call')).toEqual([
      { name: 'circuit breaker rejected the call', attributes: { 'breaker.name': 'payments' } },
    ]);
  });
});
