import { Logger } from '@nestjs/common';
import { MessageObserver } from '../messaging/message-handling.interceptor';

/**
 * One line per handled message, like an access log: with the correlation id on every line,
 * one request can be followed through every service.
 */
export function messageLogLines(): MessageObserver {
  const logger = new Logger('Messages');
  return {
    handled(pattern, seconds, error) {
      const took = `Handled ${pattern} in ${Math.round(seconds * 1000)} ms`;
      logger.log(
        error === undefined
          ? took
          : `${took}: ${error instanceof Error ? error.message : 'failed'}`,
      );
    },
  };
}
