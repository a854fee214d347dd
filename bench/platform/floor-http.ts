/*
 * The hand-written floor's front: a bare Node http server that turns
 *   GET /products/:id, GET /products, GET /const, and GET /me (with a bearer token)
 * into one amqplib request/reply to floor-responder.ts and writes the reply as JSON.
 * No framework, no validation, no logging: the least any gateway must do. For /me that
 * includes checking the access token as the gateway does (HS256 signature, expiry, issuer,
 * audience) before asking for the user it names.
 * Run as a child process of platform.bench.ts; says {type:'ready', port} over IPC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { AmqpRpcClient } from './amqp-rpc';

const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const queue = process.env.FLOOR_QUEUE!;
const jwtSecret = process.env.JWT_SECRET ?? '';
const jwtIssuer = process.env.JWT_ISSUER ?? 'shop-platform';
const jwtAudience = process.env.JWT_AUDIENCE ?? 'shop-api';

/** The user id a valid access token names, or undefined. */
function userOf(headers: IncomingHttpHeaders): string | undefined {
  const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  const [header, payload, signature] = token?.split('.') ?? [];
  if (!signature) return undefined;
  const expected = createHmac('sha256', jwtSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
    sub?: string;
    exp?: number;
    iss?: string;
    aud?: string;
  };
  const fresh = typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
  return fresh && claims.iss === jwtIssuer && claims.aud === jwtAudience ? claims.sub : undefined;
}

async function main(): Promise<void> {
  const rpc = await AmqpRpcClient.connect(rabbitmqUrl);
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    const match = /^\/products\/([0-9a-f]{24})$/.exec(url);
    if (url === '/me') {
      const userId = userOf(request.headers);
      if (!userId) {
        response.writeHead(401).end();
        return;
      }
      return answer(response, { op: 'me', id: userId });
    }
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
    answer(response, body);
  });
  function answer(response: ServerResponse, body: object): void {
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
  }
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
