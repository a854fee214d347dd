/**
 * Stable error codes shared by every service. Services put them on RPC errors; the gateway
 * maps them to HTTP statuses in one place (`httpStatusOf`).
 */
export const ErrorCodes = {
  validationFailed: 'VALIDATION_FAILED',
  emailTaken: 'EMAIL_TAKEN',
  invalidCredentials: 'INVALID_CREDENTIALS',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  outOfStock: 'OUT_OF_STOCK',
  paymentDeclined: 'PAYMENT_DECLINED',
  tooManyRequests: 'TOO_MANY_REQUESTS',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  timeout: 'TIMEOUT',
  internal: 'INTERNAL',
  /** The payment processor failed transiently; the same command may be retried. */
  paymentProcessorUnavailable: 'PAYMENT_PROCESSOR_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const httpStatusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  EMAIL_TAKEN: 409,
  INVALID_CREDENTIALS: 401,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  OUT_OF_STOCK: 409,
  PAYMENT_DECLINED: 402,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  TIMEOUT: 504,
  INTERNAL: 500,
  PAYMENT_PROCESSOR_UNAVAILABLE: 503,
};

export function httpStatusOf(code: ErrorCode): number {
  return httpStatusByCode[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(httpStatusByCode, value);
}

/** What a service sends back over RMQ when a handler fails. */
export interface RpcErrorPayload {
  code: ErrorCode;
  message: string;
  /** `httpStatusOf(code)`: lets generic tooling (breakers, retries) tell answers from faults. */
  statusCode?: number;
  /** Field-level problems of a VALIDATION_FAILED error, e.g. `["email must be an email"]`. */
  details?: string[];
}

export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    isErrorCode((value as { code?: unknown }).code) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
