import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { ErrorCodes, RpcErrorPayload, httpStatusOf } from '@shop/contracts';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { Observable, throwError } from 'rxjs';
import { describeHttpError, isHealthCheckResult } from '../http/http-error.filter';
import { isDatabaseUnavailable } from './database-unavailable';
import { isDomainError } from './domain.error';

/** Turns anything a message handler throws into an `RpcErrorPayload`; unknown errors say nothing more than INTERNAL. */
export function toRpcErrorPayload(error: unknown): RpcErrorPayload {
  if (isDomainError(error)) {
    return {
      code: error.code,
      message: error.message,
      statusCode: httpStatusOf(error.code),
      ...(error.details && { details: error.details }),
    };
  }
  if (error instanceof BadRequestException) {
    const response = error.getResponse();
    const messages =
      typeof response === 'object' && response !== null
        ? (response as { message?: unknown }).message
        : undefined;
    const details = Array.isArray(messages) ? messages.map(String) : [error.message];
    return {
      code: ErrorCodes.validationFailed,
      message: details.join('; '),
      statusCode: 400,
      details,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      code: ErrorCodes.serviceUnavailable,
      message: 'The service cannot reach its database; try again shortly',
      statusCode: 503,
    };
  }
  return { code: ErrorCodes.internal, message: 'Internal server error', statusCode: 500 };
}

/** The one exception filter of every RMQ service. */
@Catch()
export class RpcErrorFilter implements ExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): Observable<never> | void {
    // Services also serve a little HTTP (health); those errors are answered as plain JSON.
    if (host.getType() === 'http') return this.replyOverHttp(error, host);
    const payload = toRpcErrorPayload(error);
    if (payload.code === ErrorCodes.serviceUnavailable) {
      this.logger.warn(
        `Answered unavailable: ${error instanceof Error ? error.message : String(error)}`,
      );
    } else if (payload.code === ErrorCodes.internal) {
      const pattern =
        host.getType() === 'rpc'
          ? host.switchToRpc().getContext<{ getPattern?: () => string }>().getPattern?.()
          : undefined;
      this.logger.error(
        `Handler of ${pattern ?? 'a message'} failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
    }
    return throwError(() => payload);
  }

  private replyOverHttp(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // A failed health check names the dependency that is down; monitors read terminus' shape.
    if (error instanceof HttpException && isHealthCheckResult(error.getResponse())) {
      response.status(error.getStatus()).json(error.getResponse());
      return;
    }
    const { statusCode, message } = describeHttpError(error);
    if (statusCode >= 500)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    response.status(statusCode).json({ statusCode, error: STATUS_CODES[statusCode], message });
  }
}
