import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { UpdateProfileBody, UserView, UsersClient } from '@shop/contracts';
import { AuthenticatedUser, CurrentUser } from '../auth/authenticated-user';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ErrorResponse } from '../docs/error-response';

@ApiTags('users')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: 'Missing, malformed, wrongly signed or expired token',
})
@UseGuards(JwtAuthGuard)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersClient) {}

  @Get('me')
  @ApiOkResponse({ type: UserView })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserView> {
    return this.users.findById(user.id);
  }

  @Patch('me')
  @ApiOkResponse({ type: UserView })
  @ApiBadRequestResponse({ type: ErrorResponse })
  updateMe(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: UpdateProfileBody,
  ): Promise<UserView> {
    return this.users.updateProfile({ ...body, userId: user.id });
  }
}
