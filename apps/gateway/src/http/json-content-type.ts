import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request, RequestHandler } from 'express';

function hasBody(request: Request): boolean {
  return (
    request.headers['transfer-encoding'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 0
  );
}

/**
 * The API reads JSON only. The JSON parser skips a body of any other type, so a PATCH sent as
 * text/plain or a form was validated as `{}` and answered 200 with nothing changed: the
 * client never learned that its change was dropped. A body of another type is a 415.
 */
export const requireJsonContentType: RequestHandler = (request, _response, next) => {
  if (hasBody(request) && !request.is('application/json')) {
    next(new UnsupportedMediaTypeException('The request body must be application/json'));
    return;
  }
  next();
};
