import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_QUEUE_TYPE,
  QueueType,
  QueueTypes,
} from '../messaging/rmq.options';

export const NodeEnvironments = ['development', 'test', 'production'] as const;
export type NodeEnvironment = (typeof NodeEnvironments)[number];

/** Variables every app reads. Each app extends this with its own. */
export class BaseEnv {
  @IsIn(NodeEnvironments)
  NODE_ENV: NodeEnvironment = 'development';

  @IsString()
  @Matches(/^amqps?:\/\//, { message: 'RABBITMQ_URL must be an amqp:// or amqps:// URL' })
  RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

  /** Prepended to every queue name, so that test runs and tenants can share a broker. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]*$/, {
    message: 'RMQ_QUEUE_PREFIX may hold letters, digits, _ . - only',
  })
  RMQ_QUEUE_PREFIX = '';

  /** Bounds memory and fairness when a consumer falls behind. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  RMQ_PREFETCH = 32;

  /** Quorum queues replicate across a cluster and count deliveries; classic for brokers without them. */
  @IsIn(QueueTypes, { message: 'RMQ_QUEUE_TYPE must be quorum or classic' })
  RMQ_QUEUE_TYPE: QueueType = DEFAULT_QUEUE_TYPE;

  /** Redeliveries before a quorum queue dead-letters a message no consumer lived to settle. */
  @Type(() => Number)
  @IsInt({ message: 'RMQ_DELIVERY_LIMIT must be a whole number of redeliveries from 1 to 1000' })
  @Min(1, { message: 'RMQ_DELIVERY_LIMIT must be a whole number of redeliveries from 1 to 1000' })
  @Max(1_000, {
    message: 'RMQ_DELIVERY_LIMIT must be a whole number of redeliveries from 1 to 1000',
  })
  RMQ_DELIVERY_LIMIT = DEFAULT_DELIVERY_LIMIT;

  /** How long a request to another service may take before it counts as failed. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(120_000)
  RPC_TIMEOUT_MS = 5_000;

  /** Calls in the breaker's 10 s window before its failure rate may open it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  BREAKER_MINIMUM_CALLS = 5;

  /** How long an open breaker answers at once (503 + Retry-After) before it lets a trial call through. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  BREAKER_OPEN_MS = 5_000;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** `pretty` prints one readable line per entry (libs/platform/src/logging/readable-lines.ts). */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** Readable lines in development, JSON everywhere else, unless LOG_FORMAT says otherwise. */
  get logFormat(): 'json' | 'pretty' {
    return this.LOG_FORMAT ?? (this.NODE_ENV === 'development' ? 'pretty' : 'json');
  }

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
}
