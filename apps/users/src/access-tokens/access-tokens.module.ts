import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { JWT_ALGORITHM } from '@shop/platform';
import { UsersEnv } from '../users.env';
import { AccessTokenIssuer } from './access-token.issuer';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [UsersEnv],
      useFactory: (env: UsersEnv) => ({
        secret: env.jwtKey,
        signOptions: {
          algorithm: JWT_ALGORITHM,
          issuer: env.JWT_ISSUER,
          audience: env.JWT_AUDIENCE,
          expiresIn: env.JWT_TTL_SECONDS,
        },
      }),
    }),
  ],
  providers: [AccessTokenIssuer],
  exports: [AccessTokenIssuer],
})
export class AccessTokensModule {}
