import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core';
import { httpStatusOf } from '@shop/contracts';
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

/**
 * A client error of the HTTP framework itself, before any handler ran: fastify's
 * (`FST_ERR_CTP_BODY_TOO_LARGE`, a malformed URL, ...), or Express' (body-parser's
 * "entity.too.large", ...) in the services' small HTTP apps.
 */
function isFrameworkClientError(
  error: unknown,
): error is { statusCode: number; message: string; type?: string } {
  const candidate = error as {
    statusCode?: unknown;
    status?: unknown;
    expose?: unknown;
    code?: unknown;
  } | null;
  const statusCode = candidate?.statusCode ?? candidate?.status;
  const isFramework =
    candidate?.expose === true ||
    (typeof candidate?.code === 'string' && candidate.code.startsWith('FST_'));
  return isFramework && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
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
  if (isFrameworkClientError(error)) {
    const message = error.type === 'entity.parse.failed' ? 'Malformed JSON body' : error.message;
    return { statusCode: error.statusCode, message };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
}

/** A terminus result (`{status, info, error, details}`), which says which dependency is down. */
export function isHealthCheckResult(body: unknown): boolean {
  const candidate = body as { status?: unknown; details?: unknown } | null;
  return typeof candidate?.status === 'string' && typeof candidate.details === 'object';
}

/**
 * The gateway's one exception filter: every error leaves as `HttpErrorBody`, never with a
 * stack. It answers through the app's HTTP adapter, so it works on fastify and Express alike.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(
    private readonly cls: ClsService,
    private readonly http: AbstractHttpAdapter,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(error, http.getRequest(), http.getResponse());
  }

  /** What `catch` does, for an error the framework raises where Nest's filters never see it. */
  answer(error: unknown, request: { headers: Record<string, unknown> }, response: unknown): void {
    // Health checks answer in terminus' own shape, which monitors and orchestrators expect.
    if (error instanceof HttpException && isHealthCheckResult(error.getResponse())) {
      this.http.reply(response, error.getResponse(), error.getStatus());
      return;
    }
    const { statusCode, message, details, retryAfterSeconds } = describeHttpError(error);
    if (statusCode === HttpStatus.INTERNAL_SERVER_ERROR && !isRemoteError(error)) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    if (retryAfterSeconds) this.http.setHeader(response, 'Retry-After', String(retryAfterSeconds));
    const body: HttpErrorBody = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message,
      correlationId: this.correlationIdOf(request, response),
      ...(details && { details }),
    };
    this.http.reply(response, body, statusCode);
  }

  /**
   * An error raised before the request entered its nestjs-cls context takes the id already
   * echoed, else one from X-Request-Id or a new one, and echoes it like every other answer.
   */
  private correlationIdOf(
    request: { headers: Record<string, unknown> },
    response: unknown,
  ): string {
    if (this.cls.isActive()) return this.cls.getId();
    const echoed: unknown = this.http.getHeader(response, REQUEST_ID_HEADER);
    if (typeof echoed === 'string') return echoed;
    const correlationId = correlationIdFrom(request.headers[REQUEST_ID_HEADER]);
    this.http.setHeader(response, REQUEST_ID_HEADER, correlationId);
    return correlationId;
  }
}
