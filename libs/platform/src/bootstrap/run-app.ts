import { INestApplication } from '@nestjs/common';
import { InvalidEnvironmentError } from '../config/load-env';
import { QueueDeclarationError } from '../messaging/queue-declarations';
import { exitOnUnexpectedErrors } from './process-guard';

/**
 * Runs an app's bootstrap and, if it fails, exits with a short reason: a bad environment is
 * one sentence naming the variable, a queue declared otherwise one naming the queue, anything
 * else its stack. Once running, an error nothing handled closes the app and exits 1 (see
 * {@link exitOnUnexpectedErrors}).
 */
export function runApp(bootstrap: () => Promise<INestApplication>): void {
  let app: INestApplication | undefined;
  exitOnUnexpectedErrors(() => app);
  // Through a promise: a bootstrap that throws before its first await (a bad environment) is
  // reported the same way as one that rejects.
  Promise.resolve()
    .then(bootstrap)
    .then(
      (started) => (app = started),
      (error: unknown) => {
        const reason =
          error instanceof InvalidEnvironmentError || error instanceof QueueDeclarationError
            ? error.message
            : error instanceof Error
              ? (error.stack ?? error.message)
              : String(error);
        process.stderr.write(`${reason}\n`);
        process.exit(1);
      },
    );
}
