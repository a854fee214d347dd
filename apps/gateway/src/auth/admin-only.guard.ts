import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { AuthenticatedUser } from './authenticated-user';

/** Use after JwtAuthGuard: lets admins through and answers everyone else 403. */
@Injectable()
export class AdminOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (user?.role !== 'admin') throw new ForbiddenException('Only admins may do this');
    return true;
  }
}
