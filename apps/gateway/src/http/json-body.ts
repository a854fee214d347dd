import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * Keys that JSON.parse keeps as plain own properties but that a careless merge anywhere
 * downstream turns into prototype pollution. class-transformer silently drops them, so
 * without this they would slip past the "unknown fields are refused" rule unnoticed.
 * (Fastify's own parser refuses `__proto__` and `constructor.prototype`, not a bare
 * `constructor`.)
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor']);

class PrototypeKeyError extends Error {}

/** A JSON.parse reviver that refuses prototype keys at any depth. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (PROTOTYPE_KEYS.has(key)) throw new PrototypeKeyError(`property ${key} should not exist`);
  return value;
}

// A body is an object or an array, as body-parser's strict mode has it: a bare string or
// number is no command of ours.
const objectOrArray = /^[\x20\x09\x0a\x0d]*[[{]/;

/** The body of a JSON request; errors are 400s that name the problem, not JSON.parse's words. */
export function parseJsonBody(body: string): unknown {
  // An empty body is an empty object, so that validation names the missing fields.
  if (body === '') return {};
  if (!objectOrArray.test(body)) throw new BadRequestException('Malformed JSON body');
  try {
    return JSON.parse(body, refusePrototypeKeys);
  } catch (error) {
    if (error instanceof PrototypeKeyError) throw new BadRequestException([error.message]);
    throw new BadRequestException('Malformed JSON body');
  }
}

/**
 * JSON is the only body the gateway parses (fastify's text/plain parser is removed); the size
 * limit is fastify's `bodyLimit`, checked before any parsing work.
 */
export function useJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
