import { INestApplication, Logger } from '@nestjs/common';

// Long enough to finish the messages in flight (MessageDrain gives them 10 s), short enough
// that a wedged close cannot keep a broken process alive.
const CLOSE_DEADLINE_MS = 12_000;

/**
 * An error nothing handled means the process is in a state nobody planned for. Hiding it
 * (`process.on('uncaughtException', log)`) keeps a possibly broken process serving; Node's
 * default dies without a structured log line and without draining. So: log it once with its
 * stack, close the app (consumers stop, messages in flight finish or go back to the queue),
 * and exit 1 so the supervisor (`npm start`, Kubernetes) starts a clean process.
 */
export function exitOnUnexpectedErrors(currentApp: () => INestApplication | undefined): void {
  const logger = new Logger('Process');
  let isExiting = false;
  const exit = (kind: string, error: unknown): void => {
    const description = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (isExiting) {
      logger.error(`Another ${kind} while exiting: ${description}`);
      return;
    }
    isExiting = true;
    logger.fatal(`Exiting after an ${kind}: ${description}`);
    const deadline = new Promise((resolve) => setTimeout(resolve, CLOSE_DEADLINE_MS).unref());
    void Promise.race([currentApp()?.close(), deadline])
      .catch(() => undefined)
      .finally(() => process.exit(1));
  };
  process.on('uncaughtException', (error) => exit('uncaught exception', error));
  process.on('unhandledRejection', (reason) => exit('unhandled rejection', reason));
}
