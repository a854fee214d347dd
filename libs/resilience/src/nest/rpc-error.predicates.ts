import { isBulkheadRejectedError } from '../bulkhead/bulkhead-rejected.error';
import { isTimeoutError } from '../timeout/timeout.error';

/*
 * Default predicates of the ResilientClient. Errors of a remote handler reach the caller as
 * whatever the transport deserialised: an Error, a plain object such as
 * `{ code, message, statusCode }`, or even a string. Every predicate accepts `unknown`.
 */

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Codes that prove no byte of the request reached the other side. */
const undeliveredErrorCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

// Nest's RMQ client rejects its connection promise with these before it publishes anything.
const undeliveredMessages =
  /connection lost\. trying to reconnect|connection to transport failed|failed to connect|not connected|connection refused/i;
const connectionMessages =
  /connection (lost|closed|reset|refused)|disconnected|failed to connect|not connected|socket hang up|transport failed/i;

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

function messageOf(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const { message } = error as { message?: unknown };
    if (typeof message === 'string') return message;
  }
  return undefined;
}

/** The HTTP-like status an RPC error carries (`statusCode` or `status`), if any. */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, status } = error as { statusCode?: unknown; status?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * True for errors of the connection to the broker or the downstream (refused, reset, lost,
 * not connected), whatever shape they come in.
 */
export function isConnectionError(error: unknown): boolean {
  const code = codeOf(error);
  if (typeof code === 'string' && connectionErrorCodes.has(code)) return true;
  const message = messageOf(error);
  return message !== undefined && connectionMessages.test(message);
}

/**
 * True when the error proves the message never left this process (the connection was refused
 * or not up, or the bulkhead turned the call away), so sending it again cannot duplicate it.
 */
export function wasNeverDelivered(error: unknown): boolean {
  if (isBulkheadRejectedError(error)) return true;
  const code = codeOf(error);
  if (typeof code === 'string' && undeliveredErrorCodes.has(code)) return true;
  const message = messageOf(error);
  return message !== undefined && undeliveredMessages.test(message);
}

/** The default `isTransient` of a ResilientClient: timeouts and connection errors. */
export function isTransientRpcError(error: unknown): boolean {
  return isTimeoutError(error) || isConnectionError(error);
}

/**
 * The default `countsAsFailure` of a ResilientClient's breaker: a 4xx answer is the downstream
 * working (it said no), except 408 and 429, which say it is struggling; anything else counts.
 */
export function countsAsDownstreamFailure(error: unknown): boolean {
  const status = statusCodeOf(error);
  if (status === undefined) return true;
  return status >= 500 || status === 408 || status === 429 || status < 400;
}
