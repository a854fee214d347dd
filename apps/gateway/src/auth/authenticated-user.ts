import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { Role } from '@shop/contracts';

/** Who sent the request, as proven by the access token. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  role: Role;
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser =>
    context.switchToHttp().getRequest<{ user: AuthenticatedUser }>().user,
);
