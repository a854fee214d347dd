import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorResponse } from './error-response';

/** The error statuses the gateway answers, each with what it means and an example of its own. */
const errors = {
  400: ['A field or parameter is missing, unknown or invalid', 'email must be an email'],
  401: ['Missing, malformed, wrongly signed or expired token', 'Unauthorized'],
  403: ['Not allowed: an admin route', 'Forbidden resource'],
  404: ['No such resource (or not yours)', 'Product not found'],
  409: ['The current state does not allow it', 'This email is already registered'],
  413: ['The JSON body is larger than HTTP_BODY_LIMIT_BYTES', 'request entity too large'],
  415: ['The body is not application/json', 'The request body must be application/json'],
  429: [
    'Too many attempts; retry after Retry-After seconds',
    'Too many attempts; retry after Retry-After seconds',
  ],
  500: ['Anything unexpected; quote the correlation id', 'Internal server error'],
  503: ['A service is unavailable or its breaker is open', 'The orders service is unavailable'],
  504: ['A service did not answer in time', 'The orders service did not answer in time'],
} as const;

export type ErrorStatus = keyof typeof errors;

const retryAfter = {
  'Retry-After': {
    description: 'Whole seconds after which a new attempt may succeed',
    schema: { type: 'integer', minimum: 1 },
  },
};

function exampleOf(status: ErrorStatus) {
  const message = errors[status][1];
  return {
    statusCode: status,
    error: STATUS_CODES[status],
    message,
    correlationId: '5f0c6e0e-8c1e-4d8e-9a57-3f1f5d1b2a10',
    ...(status === 400 && { details: [message] }),
  };
}

/**
 * Documents error answers, each with its own description and example (Swagger UI otherwise
 * shows one 400 body for every status). 429 and 503 say that they carry Retry-After.
 *
 * @example
 * \@ApiErrors(400, 401, 404)
 */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        type: ErrorResponse,
        description: errors[status][0],
        example: exampleOf(status),
        ...((status === 429 || status === 503) && { headers: retryAfter }),
      }),
    ),
  );
}
