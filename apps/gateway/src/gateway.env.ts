import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { AuthEnv } from '@shop/platform';

export class GatewayEnv extends AuthEnv {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  GATEWAY_PORT = 3000;

  /** Largest JSON body accepted; larger ones get 413 before any parsing work. */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(10_485_760)
  HTTP_BODY_LIMIT_BYTES = 102_400;

  /** Login and registration attempts per client address and minute; more get 429 with Retry-After. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  AUTH_RATE_LIMIT_PER_MINUTE = 10;
}
