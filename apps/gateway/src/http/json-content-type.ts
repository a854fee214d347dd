import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** `application/json`, with or without parameters (`; charset=utf-8`), in any letter case. */
function isJson(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * The API reads JSON only. Fastify parses text/plain too, and reads no body of a GET at all,
 * so a PATCH sent as text/plain or a form would be validated as something else than the
 * client meant, and answered with nothing changed: the client would never learn that its
 * change was dropped. A body of another type, on any method, is a 415.
 */
export function refuseNonJsonBodies(
  request: FastifyRequest,
  _reply: unknown,
  done: HookHandlerDoneFunction,
): void {
  if (hasBody(request.headers) && !isJson(request.headers['content-type'])) {
    done(new UnsupportedMediaTypeException('The request body must be application/json'));
    return;
  }
  done();
}
