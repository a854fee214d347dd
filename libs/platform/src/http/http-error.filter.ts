import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { httpStatusOf } from '@shop/contracts';
import type { Request, Response } from 'express';
import { ClsService } from 'nestjs-cls';
import { STATUS_CODES } from 'node:http';
import { REQUEST_ID_HEADER, correlationIdFrom } from '../context/correlation';
import { isRemoteError } from '../errors/remote.error';

/** The JSON body of every error the gateway answers. */
export interface HttpErrorBody {
  statusCode: number;
  error: string;
  message: string;
  correlationId: string;
  /** Every field-level problem of a 400, e.g. `["email must be an email"]`. */
  details?: string[];
}

interface HttpErrorDescription {
  statusCode: number;
  message: string;
  details?: string[];
  retryAfterSeconds?: number;
}

function hasRetryAfter(error: unknown): error is { retryAfterMs: number } {
  return typeof (error as { retryAfterMs?: unknown } | null)?.retryAfterMs === 'number';
}

/** An error of Express' own middleware (body-parser's "entity.too.large", bad JSON, ...). */
function isExposedHttpError(
  error: unknown,
): error is { status: number; message: string; type?: string } {
  const candidate = error as { status?: unknown; expose?: unknown } | null;
  return (
    typeof candidate?.status === 'number' && candidate.expose === true && candidate.status < 500
  );
}

export function describeHttpError(error: unknown): HttpErrorDescription {
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    const response = error.getResponse();
    const messages =
      typeof response === 'object' && response !== null
        ? (response as { message?: unknown }).message
        : response;
    if (Array.isArray(messages))
      return { statusCode, message: messages.join('; '), details: messages.map(String) };
    return { statusCode, message: typeof messages === 'string' ? messages : error.message };
  }
  if (isRemoteError(error)) {
    const statusCode = httpStatusOf(error.code);
    const retryAfterSeconds = hasRetryAfter(error)
      ? Math.max(1, Math.ceil(error.retryAfterMs / 1000))
      : undefined;
    // A remote 500 carries nothing a client can use; 503/504 name the service that failed.
    const message = statusCode === 500 ? 'Internal server error' : error.message;
    return {
      statusCode,
      message,
      ...(error.details && { details: error.details }),
      ...(retryAfterSeconds && { retryAfterSeconds }),
    };
  }
  if (isExposedHttpError(error)) {
    const message = error.type === 'entity.parse.failed' ? 'Malformed JSON body' : error.message;
    return { statusCode: error.status, message };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
}

/** A terminus result (`{status, info, error, details}`), which says which dependency is down. */
export function isHealthCheckResult(body: unknown): boolean {
  const candidate = body as { status?: unknown; details?: unknown } | null;
  return typeof candidate?.status === 'string' && typeof candidate.details === 'object';
}

/** The gateway's one exception filter: every error leaves as `HttpErrorBody`, never with a stack. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(private readonly cls: ClsService) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // Health checks answer in terminus' own shape, which monitors and orchestrators expect.
    if (error instanceof HttpException && isHealthCheckResult(error.getResponse())) {
      response.status(error.getStatus()).json(error.getResponse());
      return;
    }
    const { statusCode, message, details, retryAfterSeconds } = describeHttpError(error);
    if (statusCode === HttpStatus.INTERNAL_SERVER_ERROR && !isRemoteError(error)) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    if (retryAfterSeconds) response.setHeader('Retry-After', String(retryAfterSeconds));
    const body: HttpErrorBody = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message,
      correlationId: this.correlationIdOf(host, response),
      ...(details && { details }),
    };
    response.status(statusCode).json(body);
  }

  /**
   * Errors of the body parser (too large, malformed) come before nestjs-cls has run: they
   * take the id from X-Request-Id or a new one, and echo it like every other answer.
   */
  private correlationIdOf(host: ArgumentsHost, response: Response): string {
    if (this.cls.isActive()) return this.cls.getId();
    const request = host.switchToHttp().getRequest<Request>();
    const correlationId = correlationIdFrom(request.headers[REQUEST_ID_HEADER]);
    response.setHeader(REQUEST_ID_HEADER, correlationId);
    return correlationId;
  }
}
