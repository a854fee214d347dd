import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

function describe(errors: ValidationError[]): string {
  return errors.flatMap((error) => Object.values(error.constraints ?? {})).join('; ');
}

/**
 * Reads and validates the environment once, at boot. A bad value stops the app with one
 * sentence naming the variable, instead of a confusing failure later.
 *
 * @example
 * const env = loadEnv(UsersEnv); // throws "Invalid environment: JWT_SECRET must be ..."
 */
export function loadEnv<T extends object>(
  schema: new () => T,
  source: NodeJS.ProcessEnv = process.env,
): T {
  const env = plainToInstance(
    schema,
    { ...source },
    { enableImplicitConversion: true, exposeDefaultValues: true },
  );
  const errors = validateSync(env, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(`Invalid environment: ${describe(errors)}.`);
  }
  const unsafe = (env as { productionProblems?: () => string[] }).productionProblems?.() ?? [];
  if (unsafe.length > 0) {
    throw new InvalidEnvironmentError(`Refusing to start in production: ${unsafe.join('; ')}.`);
  }
  return env;
}
