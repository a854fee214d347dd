import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ClsService } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import type { Level } from 'pino';
import { BaseEnv } from '../config/base.env';
import { REQUEST_ID_HEADER, RequestContext } from '../context/correlation';
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

/**
 * Structured JSON logs through pino, every line carrying the service name and, inside a
 * request or message, its correlation id and user; readable single lines in development.
 */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: APP_INTERCEPTOR, useClass: MessageLoggingInterceptor }],
      imports: [
        LoggerModule.forRootAsync({
          inject: [BaseEnv, ClsService],
          useFactory: (env: BaseEnv, cls: ClsService<RequestContext>) => ({
            // Express 5 path syntax; the default '*' triggers a legacy-route warning.
            forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
            pinoHttp: {
              level: pinoLevels[env.LOG_LEVEL],
              base: { service },
              messageKey: 'message',
              redact: redactedLogPaths,
              mixin: () =>
                cls.isActive() ? { correlationId: cls.getId(), userId: cls.get('userId') } : {},
              // The access line is written after the request's context has ended.
              customProps: (_request: unknown, response: { getHeader(name: string): unknown }) => ({
                correlationId: response.getHeader(REQUEST_ID_HEADER),
              }),
              // Health probes every few seconds would drown the useful lines.
              autoLogging: {
                ignore: (request: { url?: string }) =>
                  request.url?.startsWith('/health') === true || request.url === '/metrics',
              },
              quietReqLogger: true,
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
          }),
        }),
      ],
    };
  }
}
