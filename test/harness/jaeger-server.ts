import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './app-process';

const script = join(__dirname, '..', '..', 'scripts', 'jaeger.sh');
const run = promisify(execFile);

/** A span as Jaeger's query API (`/api/traces`) returns it. */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  duration: number;
  tags: { key: string; value: unknown }[];
  logs: { timestamp: number; fields: { key: string; value: unknown }[] }[];
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/**
 * A Jaeger of this test file's own, on free ports, started (and built, the first time) by
 * scripts/jaeger.sh like `npm start`'s, so parallel runs never read each other's traces.
 */
export class JaegerServer {
  private constructor(private readonly ports: Record<string, string>) {}

  static async start(): Promise<JaegerServer> {
    const server = new JaegerServer({
      JAEGER_OTLP_PORT: String(await freePort()),
      JAEGER_QUERY_PORT: String(await freePort()),
      JAEGER_QUERY_GRPC_PORT: String(await freePort()),
    });
    await server.script('up');
    return server;
  }

  /** Where the apps send their spans (OTEL_EXPORTER_OTLP_ENDPOINT). */
  get otlpEndpoint(): string {
    return `http://127.0.0.1:${this.ports.JAEGER_OTLP_PORT}`;
  }

  get queryUrl(): string {
    return `http://127.0.0.1:${this.ports.JAEGER_QUERY_PORT}`;
  }

  /** Traces of `service` with a span carrying every tag given (Jaeger's tag search). */
  async traces(service: string, tags: Record<string, string>): Promise<JaegerTrace[]> {
    const query = new URLSearchParams({ service, tags: JSON.stringify(tags), limit: '20' });
    const response = await fetch(`${this.queryUrl}/api/traces?${query}`);
    if (!response.ok) throw new Error(`Jaeger answered ${response.status} to ${query}`);
    return ((await response.json()) as { data: JaegerTrace[] }).data;
  }

  async trace(traceId: string): Promise<JaegerTrace | undefined> {
    const response = await fetch(`${this.queryUrl}/api/traces/${traceId}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Jaeger answered ${response.status} for trace ${traceId}`);
    return ((await response.json()) as { data: JaegerTrace[] }).data[0];
  }

  stop(): Promise<string> {
    return this.script('down');
  }

  private async script(command: 'up' | 'down'): Promise<string> {
    try {
      const { stderr } = await run('bash', [script, command], {
        env: { ...process.env, ...this.ports },
        // The global setup built Jaeger already; a run of this file alone may build it here.
        timeout: 600_000,
      });
      return stderr;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new Error(`scripts/jaeger.sh ${command} failed:\n${stderr}`);
    }
  }
}

/** The span's tag value, or undefined. */
export function tagOf(span: JaegerSpan, key: string): unknown {
  return span.tags.find((tag) => tag.key === key)?.value;
}

/** The service that sent the span. */
export function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID]?.serviceName ?? '';
}

/** The span's parent in its trace (its CHILD_OF reference), if it is there. */
export function parentOf(trace: JaegerTrace, span: JaegerSpan): JaegerSpan | undefined {
  const parent = span.references.find((reference) => reference.refType === 'CHILD_OF');
  return parent && trace.spans.find((candidate) => candidate.spanID === parent.spanID);
}
