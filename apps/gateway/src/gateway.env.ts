import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { AuthEnv } from '@shop/platform';

const proxyAddress = String.raw`(loopback|linklocal|uniquelocal|[0-9A-Fa-f]*[.:][0-9A-Fa-f.:]*(/\d{1,3})?)`;
const trustedProxies = new RegExp(String.raw`^(\d+|${proxyAddress}(\s*,\s*${proxyAddress})*)$`);

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

  /**
   * Which peers may say who the client is in `X-Forwarded-For` (fastify's `trustProxy`): a hop
   * count or proxy addresses. Unset, the header is ignored; trusting everyone would let any
   * client pick the address its rate limit counts against, so `true` is refused.
   */
  @IsOptional()
  @Matches(trustedProxies, {
    message:
      'TRUST_PROXY must be a hop count (1) or proxy addresses and subnets (loopback, 10.0.0.0/8, ...)',
  })
  TRUST_PROXY?: string;

  /** `TRUST_PROXY` as fastify takes it: a number is a hop count, anything else addresses. */
  get trustProxy(): number | string | undefined {
    if (this.TRUST_PROXY === undefined) return undefined;
    return /^\d+$/.test(this.TRUST_PROXY) ? Number(this.TRUST_PROXY) : this.TRUST_PROXY;
  }
}
