/*
 * The hand-written floor's front: a bare Node http server that turns
 *   GET /products/:id, GET /products, GET /const
 * into one amqplib request/reply to floor-responder.ts and writes the reply as JSON.
 * No framework, no validation, no logging: the least any gateway must do.
 * Run as a child process of platform.bench.ts; says {type:'ready', port} over IPC.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { AmqpRpcClient } from './amqp-rpc';

const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const queue = process.env.FLOOR_QUEUE!;

async function main(): Promise<void> {
  const rpc = await AmqpRpcClient.connect(rabbitmqUrl);
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    const match = /^\/products\/([0-9a-f]{24})$/.exec(url);
    const body = match
      ? { op: 'get', id: match[1] }
      : url === '/products'
        ? { op: 'list' }
        : url === '/const'
          ? { op: 'const' }
          : undefined;
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    rpc.call(queue, Buffer.from(JSON.stringify(body)), 5_000).then(
      (reply) => {
        response.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': reply.length,
        });
        response.end(reply);
      },
      () => response.writeHead(504).end(),
    );
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
  });
  const stop = async (): Promise<void> => {
    server.close();
    server.closeAllConnections();
    await rpc.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
