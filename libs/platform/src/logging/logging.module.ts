import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Level } from 'pino';
import { BaseEnv } from '../config/base.env';
import { REQUEST_ID_HEADER, RequestContext } from '../context/correlation';
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

interface AccessLogRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
}

// Only what an access line needs: copying every header costs more than writing the line.
const accessLineSerializers = {
  req: (request: AccessLogRequest) => ({
    method: request.method,
    url: request.originalUrl ?? request.url,
  }),
  res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
  err: pino.stdSerializers.err,
};

/** Whether LOG_LEVEL lets access and message lines through ('log' and below). */
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
            const writesAccessLines = writesLogLines(env);
            return {
              // Express 5 path syntax; the default '*' triggers a legacy-route warning. Above
              // 'log' no access line is written, and the correlation id is nestjs-cls' work.
              forRoutes: writesAccessLines ? [{ path: '{*path}', method: RequestMethod.ALL }] : [],
              pinoHttp: {
                logger,
                serializers: accessLineSerializers,
                wrapSerializers: false,
                // The access line is written after the request's context has ended.
                customProps: (
                  _request: unknown,
                  response: { getHeader(name: string): unknown },
                ) => ({
                  correlationId: response.getHeader(REQUEST_ID_HEADER),
                }),
                // Health probes every few seconds would drown the useful lines.
                autoLogging: {
                  ignore: (request: { url?: string }) =>
                    request.url?.startsWith('/health') === true || request.url === '/metrics',
                },
                quietReqLogger: true,
              },
            };
          },
        }),
      ],
    };
  }
}
