import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ORDERS_SERVICE, PAYMENTS_SERVICE, USERS_SERVICE } from '@shop/contracts';
import { STATUS_CODES } from 'node:http';
import { ErrorResponse } from './error-response';

/** The error statuses the gateway answers, each with what it means and an example of its own. */
const errors = {
  400: ['A field or parameter is missing, unknown or invalid', 'email must be an email'],
  401: ['Missing, malformed, wrongly signed or expired token', 'Unauthorized'],
  403: ['Not allowed: an admin route', 'Forbidden resource'],
  404: ['No such resource (or not yours)', 'Product not found'],
  409: ['The current state does not allow it', 'This email is already registered'],
  413: ['The JSON body is larger than HTTP_BODY_LIMIT_BYTES', 'Request body is too large'],
  415: ['The body is not application/json', 'The request body must be application/json'],
  429: [
    'Too many attempts; retry after Retry-After seconds',
    'Too many attempts; retry after Retry-After seconds',
  ],
  500: ['Anything unexpected; quote the correlation id', 'Internal server error'],
} as const;

/** 503 and 504 name the service that failed: they are documented by `ApiUnavailable(service)`. */
export type ErrorStatus = keyof typeof errors;

/** The services behind the gateway's routes. */
export type ServiceName = typeof USERS_SERVICE | typeof ORDERS_SERVICE | typeof PAYMENTS_SERVICE;

const integerSeconds = { type: 'integer', minimum: 1 };

const retryAfter = {
  429: {
    description: 'Whole seconds until the rate limit admits a new attempt',
    schema: integerSeconds,
  },
  503: {
    description:
      "Sent while the gateway's breaker for the service is open: whole seconds until it lets a trial call through",
    schema: integerSeconds,
  },
};

function exampleOf(status: ErrorStatus | 503 | 504, message: string) {
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
 * shows one 400 body for every status). 429 says that it carries Retry-After.
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
        example: exampleOf(status, errors[status][1]),
        ...(status === 429 && { headers: { 'Retry-After': retryAfter[429] } }),
      }),
    ),
  );
}

/**
 * Documents the 503 and 504 of routes that call `service`, with the messages the gateway
 * answers for it; a 503 of an open breaker carries Retry-After, one of an unreachable
 * service does not.
 *
 * @example
 * \@ApiUnavailable(PAYMENTS_SERVICE)
 */
export function ApiUnavailable(service: ServiceName): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiResponse({
      status: 503,
      type: ErrorResponse,
      description: `The ${service} service is unreachable, or the gateway's breaker for it is open`,
      example: exampleOf(503, `The ${service} service is unavailable`),
      headers: { 'Retry-After': retryAfter[503] },
    }),
    ApiResponse({
      status: 504,
      type: ErrorResponse,
      description: `The ${service} service did not answer in time`,
      example: exampleOf(504, `The ${service} service did not answer in time`),
    }),
  );
}
