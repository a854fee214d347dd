import { CLS_ID, ClsService } from 'nestjs-cls';
import { RequestContext } from '@shop/platform';

/** What every order saga keeps so its steps act on behalf of the original request. */
export interface RequestOrigin {
  correlationId: string;
  userId: string;
}

/**
 * Runs a saga step inside the request context it was started from, so its log lines and the
 * messages it sends carry the order's correlation id and user, even after a crash and recovery.
 */
export function inOriginalContext<T>(
  cls: ClsService<RequestContext>,
  origin: RequestOrigin,
  step: () => Promise<T>,
): Promise<T> {
  return cls.run(() => {
    cls.set(CLS_ID, origin.correlationId);
    cls.set('userId', origin.userId);
    return step();
  });
}
