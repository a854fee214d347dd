import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { USERS_SERVICE, UpdateProfileBody, UserView, UsersClient } from '@shop/contracts';
import { AuthenticatedUser, CurrentUser } from '../auth/authenticated-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiErrors, ApiUnavailable } from '../docs/api-errors';

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(401, 500)
@ApiUnavailable(USERS_SERVICE)
@UseGuards(JwtAuthGuard)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersClient) {}

  @Get('me')
  @ApiOperation({ summary: 'Read the own profile' })
  @ApiOkResponse({ type: UserView })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserView> {
    return this.users.findById(user.id);
  }

  @Patch('me')
  @ApiOperation({ summary: 'Change the own name or password' })
  @ApiOkResponse({ type: UserView })
  @ApiErrors(400, 413, 415)
  updateMe(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: UpdateProfileBody,
  ): Promise<UserView> {
    return this.users.updateProfile({ ...body, userId: user.id });
  }
}
