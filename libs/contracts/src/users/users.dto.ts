import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Formats } from '../common/formats';
import { IsOmittable } from '../common/presence.decorators';
import { trimmed } from '../common/transforms';

export const Roles = ['customer', 'admin'] as const;
export type Role = (typeof Roles)[number];

export class RegisterUserCommand {
  @ApiProperty({ format: 'email', example: 'ada@example.com', maxLength: 254 })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: 128 })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;

  @ApiProperty({
    example: 'Ada Lovelace',
    minLength: 1,
    maxLength: 100,
    pattern: Formats.nonBlank.source,
  })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

export class LoginCommand {
  @ApiProperty({ format: 'email', example: 'ada@example.com', maxLength: 254 })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}

/** Body of `PATCH /api/users/me`: every field is optional, unknown fields are refused. */
export class UpdateProfileBody {
  @ApiPropertyOptional({
    example: 'Ada King',
    minLength: 1,
    maxLength: 100,
    pattern: Formats.nonBlank.source,
  })
  @IsOmittable()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ example: 'another long passphrase', minLength: 8, maxLength: 128 })
  @IsOmittable()
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password?: string;
}

export class UpdateProfileCommand extends UpdateProfileBody {
  @IsUUID()
  userId: string;
}

export class FindUserQuery {
  @IsUUID()
  userId: string;
}

export class UserView {
  @ApiProperty({ format: 'uuid', example: '0b7e3c1e-4f2a-4d6b-9c58-2f1a7e9d3b40' })
  id: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ enum: Roles, example: 'customer' })
  @IsIn(Roles)
  role: Role;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z' })
  createdAt: string;
}

export class AccessTokenView {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ type: 'integer', description: 'Lifetime of the token in seconds', example: 3600 })
  expiresIn: number;
}

/** Claims of the access tokens the users service issues and the gateway verifies. */
export interface AccessTokenClaims {
  sub: string;
  email: string;
  role: Role;
}
