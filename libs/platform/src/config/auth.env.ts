import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { KeyObject, createSecretKey } from 'node:crypto';
import { BaseEnv } from './base.env';

/** Only for development and tests; `productionProblems` refuses it when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-never-use-in-production';

/** Variables of the apps that issue (users) or verify (gateway) access tokens. */
export class AuthEnv extends BaseEnv {
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET = DEVELOPMENT_JWT_SECRET;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'shop-platform';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'shop-api';

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  JWT_TTL_SECONDS = 3_600;

  /**
   * JWT_SECRET as the HS256 key. Given a string, jsonwebtoken first tries to parse it as a PEM
   * key on every sign and verify, and that failing parse (an OpenSSL error, then an exception)
   * was over half of the gateway's CPU per authenticated request.
   */
  get jwtKey(): KeyObject {
    return (this.#jwtKey ??= createSecretKey(Buffer.from(this.JWT_SECRET, 'utf8')));
  }
  #jwtKey?: KeyObject;

  productionProblems(): string[] {
    return this.isProduction && this.JWT_SECRET === DEVELOPMENT_JWT_SECRET
      ? ['JWT_SECRET is the development default; set a secret of your own']
      : [];
  }
}

/** The only algorithm tokens are signed and accepted with: no `none`, no key confusion. */
export const JWT_ALGORITHM = 'HS256';
