import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AccessTokenClaims, Roles } from '@shop/contracts';
import { JWT_ALGORITHM, RequestContext } from '@shop/platform';
import { ClsService } from 'nestjs-cls';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { GatewayEnv } from '../gateway.env';
import { AuthenticatedUser } from './authenticated-user';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    env: GatewayEnv,
    private readonly cls: ClsService<RequestContext>,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // jsonwebtoken takes a KeyObject; passport-jwt's types predate that and only pass it on.
      secretOrKey: env.jwtKey as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(claims: Partial<AccessTokenClaims>): AuthenticatedUser | false {
    const { sub, email, role } = claims;
    if (typeof sub !== 'string' || typeof email !== 'string' || !Roles.includes(role as never))
      return false;
    // Every message sent on behalf of this request now carries x-user-id.
    this.cls.set('userId', sub);
    return { id: sub, email, role: role as AuthenticatedUser['role'] };
  }
}
