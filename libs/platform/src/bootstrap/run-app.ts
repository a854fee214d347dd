import { InvalidEnvironmentError } from '../config/load-env';

/**
 * Runs an app's bootstrap and, if it fails, exits with a short reason: a bad environment is
 * one sentence naming the variable, anything else its stack.
 */
export function runApp(bootstrap: () => Promise<unknown>): void {
  bootstrap().catch((error: unknown) => {
    const reason =
      error instanceof InvalidEnvironmentError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`${reason}\n`);
    process.exit(1);
  });
}
