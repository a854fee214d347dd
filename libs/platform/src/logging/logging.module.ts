import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ClsService } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Level } from 'pino';
import { PlatformModuleOptions } from '../bootstrap/platform-module.options';
import { BaseEnv } from '../config/base.env';
import { RequestContext } from '../context/correlation';
import { MessageLoggingInterceptor } from './message-logging.interceptor';

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

/** Whether LOG_LEVEL lets info lines through (`log` and below), e.g. access lines. */
export function writesLogLines(env: BaseEnv): boolean {
  return pino.levels.values[pinoLevels[env.LOG_LEVEL]] <= pino.levels.values.info;
}

/**
 * Structured JSON logs through pino, every line carrying the service name and, inside a
 * request or message, its correlation id and user; readable single lines in development.
 */
@Module({})
export class LoggingModule {
  static forRoot(
    service: string,
    { hasMessageHandlers = true }: PlatformModuleOptions = {},
  ): DynamicModule {
    return {
      module: LoggingModule,
      providers: hasMessageHandlers
        ? [
            {
              provide: APP_INTERCEPTOR,
              inject: [BaseEnv],
              // Above 'log' the interceptor would write nothing, yet still cost a layer of
              // rxjs and async-context wrappers per message; Nest skips an enhancer that is null.
              useFactory: (env: BaseEnv) =>
                writesLogLines(env) ? new MessageLoggingInterceptor() : null,
            },
          ]
        : [],
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
                ...(env.logFormat === 'pretty' && {
                  transport: {
                    target: 'pino-pretty',
                    options: {
                      singleLine: true,
                      messageKey: 'message',
                      ignore: 'pid,hostname,service,req,res,responseTime',
                      translateTime: 'SYS:HH:MM:ss.l',
                    },
                  },
                }),
              },
              // A write per line is a syscall per request; pino flushes what is left on exit.
              env.logFormat === 'pretty' ? undefined : pino.destination({ dest: 1, sync: false }),
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
