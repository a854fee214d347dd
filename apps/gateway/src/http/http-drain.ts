import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

// Requests in flight get this long to finish; then the sockets still open are closed.
const DRAIN_DEADLINE_MS = 10_000;

/**
 * Lets the gateway stop while clients keep connections alive. Node's `server.close()` waits
 * for every open connection, and a client that keeps sending on its kept-alive socket (a load
 * balancer, a polling front end) never lets it go idle. Fastify's `close()` does the drain:
 * idle sockets close at once and every further response says `Connection: close`. What is
 * left is a bound: whatever is still open after the deadline is closed.
 */
@Injectable()
export class HttpDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(HttpDrain.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    const deadline = setTimeout(() => {
      this.logger.warn('Closing the connections still open after the drain deadline');
      server.closeAllConnections();
    }, DRAIN_DEADLINE_MS).unref();
    // A server that closed in time needs no deadline (in-process apps outlive their server).
    server.once('close', () => clearTimeout(deadline));
  }
}
