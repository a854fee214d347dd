import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { IncomingMessage } from 'node:http';
import { PropagatorOptions, callerFirstPropagator } from './caller-first.propagator';

// Probes and scrapes every few seconds would bury the requests people look for.
const unobservedPaths = /^\/(health|metrics)(\/|\?|$)/;

/**
 * The SDK of one app: spans of HTTP servers and clients (Express or Fastify alike, both run on
 * node:http), RabbitMQ, PostgreSQL and MongoDB, trace ids on pino's log lines, exported over
 * OTLP as the standard `OTEL_*` variables say. Metrics and logs are not exported: the apps
 * have Prometheus metrics and JSON logs already, and Jaeger takes traces only.
 */
export function createTracingSdk(serviceName: string, propagation: PropagatorOptions): NodeSDK {
  return new NodeSDK({
    serviceName,
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: callerFirstPropagator(propagation),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) =>
          unobservedPaths.test(request.url ?? ''),
      }),
      new AmqplibInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
      new MongoDBInstrumentation({ requireParentSpan: true }),
      // Log lines get trace_id and span_id; they stay on stdout and are not sent as OTLP logs.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
}
