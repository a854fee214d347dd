import { Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { AuthEnv } from '@shop/platform';

export class UsersEnv extends AuthEnv {
  @Matches(/^postgres(ql)?:\/\//, { message: 'USERS_DATABASE_URL must be a postgres:// URL' })
  USERS_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/shop_users';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  USERS_HTTP_PORT = 3001;

  /** With ADMIN_PASSWORD, the first admin, created at start-up when no user has that email. */
  @IsOptional()
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @ValidateIf((env: UsersEnv) => env.ADMIN_EMAIL !== undefined)
  @IsString({ message: 'ADMIN_PASSWORD must be set when ADMIN_EMAIL is' })
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters long' })
  ADMIN_PASSWORD?: string;
}
