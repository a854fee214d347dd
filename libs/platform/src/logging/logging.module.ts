import { DynamicModule, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Level } from 'pino';
import { BaseEnv } from '../config/base.env';
import { RequestContext } from '../context/correlation';
import { logDestination } from './log-destination';

const pinoLevels: Record<BaseEnv['LOG_LEVEL'], Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Secrets never reach a log line, whatever a handler logs. */
export const redactedLogPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.accessToken',
  '*.token',
];

/** Whether LOG_LEVEL lets info lines through (`log` and below): access and message lines. */
export function writesLogLines(env: BaseEnv): boolean {
  return pino.levels.values[pinoLevels[env.LOG_LEVEL]] <= pino.levels.values.info;
}

/**
 * Structured JSON logs through pino, every line carrying the service name and, inside a
 * request or message, its correlation id and user; readable single lines in development.
 */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [BaseEnv, ClsService],
          useFactory: (env: BaseEnv, cls: ClsService<RequestContext>) => {
            const level = pinoLevels[env.LOG_LEVEL];
            const logger = pino(
              {
                level,
                base: { service },
                messageKey: 'message',
                redact: redactedLogPaths,
                mixin: () =>
                  cls.isActive() ? { correlationId: cls.getId(), userId: cls.get('userId') } : {},
              },
              logDestination(env.logFormat),
            );
            return {
              // No pino-http middleware: the gateway writes its access lines in a fastify
              // hook, and the services' HTTP serves only probes, which are not logged.
              forRoutes: [],
              // nestjs-pino's root logger is pino-http's child of ours; left unwrapped, its
              // `req` and `res` serializers would read a plain access line as Node objects.
              pinoHttp: { logger, wrapSerializers: false },
            };
          },
        }),
      ],
    };
  }
}
