import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnv } from '@shop/platform';

export class OrdersEnv extends BaseEnv {
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGO_URL must be a mongodb:// URL' })
  MONGO_URL = 'mongodb://127.0.0.1:27017';

  @IsString()
  @MinLength(1)
  ORDERS_MONGO_DB = 'shop_orders';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  ORDERS_HTTP_PORT = 3002;

  /** How long a crashed replica's sagas wait before another replica takes them over. */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  SAGA_LEASE_MS = 10_000;

  /** How often each replica looks for sagas whose lease expired. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  SAGA_RECOVERY_INTERVAL_MS = 2_000;
}
