import { BadRequestException } from '@nestjs/common';
import type { ErrorRequestHandler } from 'express';

/**
 * Keys that JSON.parse keeps as plain own properties but that a careless merge anywhere
 * downstream turns into prototype pollution. class-transformer silently drops them, so
 * without this they would slip past the "unknown fields are refused" rule unnoticed.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor']);

class PrototypeKeyError extends Error {}

/** A JSON.parse reviver that refuses prototype keys at any depth, as fastify does by default. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (PROTOTYPE_KEYS.has(key)) throw new PrototypeKeyError(`property ${key} should not exist`);
  return value;
}

/** Options of the gateway's JSON body parser. */
export function jsonBodyOptions(limitBytes: number) {
  return { limit: limitBytes, reviver: refusePrototypeKeys };
}

/**
 * Put right after the JSON body parser. Nest answers body-parser's syntax errors with the
 * raw JSON.parse message; this names the problem instead and hands it to the exception filter.
 */
export const jsonBodyErrors: ErrorRequestHandler = (error: unknown, _request, _response, next) => {
  if (error instanceof PrototypeKeyError) {
    next(new BadRequestException([error.message]));
    return;
  }
  if ((error as { type?: unknown } | null)?.type === 'entity.parse.failed') {
    next(new BadRequestException('Malformed JSON body'));
    return;
  }
  next(error);
};
