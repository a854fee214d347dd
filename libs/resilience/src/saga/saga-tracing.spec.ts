import { SpanStatusCode, trace } from '@opentelemetry/api';
import { node } from '@opentelemetry/sdk-node';
import { constant } from '../retry/backoff';
import { InMemorySagaStore } from './in-memory-saga.store';
import { SagaOrchestrator } from './saga-orchestrator';
import type { SagaDefinition, SagaInstance } from './saga.types';

// An SDK in this test process only: the library itself depends on the API alone.
const exporter = new node.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({
  spanProcessors: [new node.SimpleSpanProcessor(exporter)],
});

type Data = { orderId: string };

/** Steps that fail as often as `failures` says; with `isReserveStuck`, reserve waits until aborted. */
function definition(
  failures: Record<string, number>,
  isReserveStuck = false,
): SagaDefinition<Data> {
  const remaining = new Map(Object.entries(failures));
  const act =
    (name: string) =>
    async ({ signal }: { signal: AbortSignal }) => {
      if (isReserveStuck && name === 'reserve')
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      const left = remaining.get(name) ?? 0;
      if (left > 0) {
        remaining.set(name, left - 1);
        throw new Error(`${name} refused`);
      }
    };
  return {
    name: 'place-order',
    steps: [
      { name: 'reserve', action: act('reserve'), compensate: act('release') },
      {
        name: 'authorize',
        action: act('authorize'),
        retry: { maxAttempts: 2, backoff: constant(1) },
      },
      { name: 'capture', pivot: true, action: act('capture') },
    ],
  };
}

function spansNamed(prefix: string) {
  return exporter.getFinishedSpans().filter((span) => span.name.startsWith(prefix));
}

describe('Saga traces', () => {
  let store: InMemorySagaStore;
  let sut: SagaOrchestrator;

  beforeAll(() => provider.register());

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
  });

  beforeEach(() => {
    exporter.reset();
    store = new InMemorySagaStore();
  });

  afterEach(() => sut.stop());

  it('makes a run a span with a child span per step attempt, and a retry as an event', async () => {
    sut = new SagaOrchestrator({ store, definitions: [definition({ authorize: 1 })] });

    await trace
      .getTracer('test')
      .startActiveSpan('request', (span) =>
        sut.run('place-order', { orderId: 'o-1' }, { id: 'o-1' }).finally(() => span.end()),
      );

    const [request] = spansNamed('request');
    const [run] = spansNamed('saga place-order');
    const attempts = spansNamed('saga action ');
    expect(run.attributes).toMatchObject({
      'saga.name': 'place-order',
      'saga.id': 'o-1',
      'saga.outcome': 'COMPLETED',
    });
    expect(run.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(
      attempts.map((span) => [
        span.attributes['saga.step'],
        span.attributes['saga.attempt'],
        span.attributes['saga.outcome'],
      ]),
    ).toEqual([
      ['reserve', 1, 'succeeded'],
      ['authorize', 1, 'failed'],
      ['authorize', 2, 'succeeded'],
      ['capture', 1, 'succeeded'],
    ]);
    expect(
      attempts.every((span) => span.parentSpanContext?.spanId === run.spanContext().spanId),
    ).toBe(true);
    expect(run.events.map((event) => [event.name, event.attributes?.['saga.step']])).toEqual([
      ['retry', 'authorize'],
    ]);
  });

  it('makes a compensation a child span and records why the step failed', async () => {
    sut = new SagaOrchestrator({ store, definitions: [definition({ authorize: 2 })] });

    await sut.run('place-order', { orderId: 'o-2' }, { id: 'o-2' });

    const [run] = spansNamed('saga place-order');
    const [failed] = spansNamed('saga action authorize').filter(
      (span) => span.attributes['saga.attempt'] === 2,
    );
    expect(run.attributes['saga.outcome']).toBe('COMPENSATED');
    expect(failed.attributes['saga.failure_reason']).toBe('Error: authorize refused');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(spansNamed('saga compensation ').map((span) => span.attributes['saga.step'])).toEqual([
      'reserve',
    ]);
  });

  it('keeps the trace context with a new saga and continues that trace when another orchestrator resumes it', async () => {
    const first = new SagaOrchestrator({ store, definitions: [definition({}, true)], leaseMs: 50 });
    await first.start('place-order', { orderId: 'o-3' }, { id: 'o-3' });
    await first.stop();
    const started = (await store.load('o-3')) as SagaInstance;
    const [firstRun] = spansNamed('saga place-order');
    exporter.reset();
    sut = new SagaOrchestrator({ store, definitions: [definition({})] });

    // Polled with a deadline: the lease of the stopped orchestrator expires within 50 ms.
    const deadline = Date.now() + 5_000;
    while ((await sut.recover()).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await sut.idle();

    const [resumed] = spansNamed('saga place-order');
    expect(started.traceContext?.traceparent).toContain(firstRun.spanContext().spanId);
    expect(resumed.spanContext().traceId).toBe(firstRun.spanContext().traceId);
    expect(resumed.parentSpanContext?.spanId).toBe(firstRun.spanContext().spanId);
    expect(resumed.links.map((link) => link.context.spanId)).toEqual([
      firstRun.spanContext().spanId,
    ]);
    expect(resumed.attributes).toMatchObject({ 'saga.resumed': true, 'saga.outcome': 'COMPLETED' });
  });
});
