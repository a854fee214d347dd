// The first import of main.ts: instrumentations patch http, amqplib, pg, mongodb and pino only
// as they are first loaded (see docs/tracing.md).
import { startTracing } from '@shop/platform/tracing/start-tracing';

// The public edge: every trace starts here, whatever trace context a client sends.
startTracing('gateway', { continuesIncomingTraces: false });
