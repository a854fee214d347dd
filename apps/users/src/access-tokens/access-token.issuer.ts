import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenClaims, AccessTokenView } from '@shop/contracts';
import { UsersEnv } from '../users.env';

@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly jwt: JwtService,
    private readonly env: UsersEnv,
  ) {}

  async issue(claims: AccessTokenClaims): Promise<AccessTokenView> {
    const accessToken = await this.jwt.signAsync(
      { email: claims.email, role: claims.role },
      { subject: claims.sub },
    );
    return { accessToken, tokenType: 'Bearer', expiresIn: this.env.JWT_TTL_SECONDS };
  }
}
