import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AccessTokenView,
  LoginCommand,
  RegisterUserCommand,
  USERS_SERVICE,
  UserView,
  UsersClient,
} from '@shop/contracts';
import { ApiErrors, ApiUnavailable } from '../docs/api-errors';

@ApiTags('auth')
@ApiErrors(400, 413, 415, 429, 500)
@ApiUnavailable(USERS_SERVICE)
// Slows password guessing and mass sign-ups; the limit is per client address.
@UseGuards(ThrottlerGuard)
@Controller('auth')
export class AuthController {
  constructor(private readonly users: UsersClient) {}

  @Post('register')
  @ApiOperation({ summary: 'Create a customer account' })
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(409)
  register(@Body() command: RegisterUserCommand): Promise<UserView> {
    return this.users.register(command);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange email and password for an access token' })
  @ApiOkResponse({ type: AccessTokenView })
  @ApiErrors(401)
  login(@Body() command: LoginCommand): Promise<AccessTokenView> {
    return this.users.login(command);
  }
}
