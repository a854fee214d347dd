import { ErrorCodes, isRpcErrorPayload } from '@shop/contracts';
import { isRemoteError } from './remote.error';

const transientCodes: ReadonlySet<string> = new Set([
  ErrorCodes.timeout,
  ErrorCodes.serviceUnavailable,
  ErrorCodes.paymentProcessorUnavailable,
]);

/**
 * Worth another attempt: the other side did not answer in time, was unreachable, or said it
 * failed temporarily. Business answers (4xx codes) and internal errors are final.
 */
export function isTransientServiceError(error: unknown): boolean {
  return (isRemoteError(error) || isRpcErrorPayload(error)) && transientCodes.has(error.code);
}
