import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  AccessTokenView,
  LoginCommand,
  RegisterUserCommand,
  UserView,
  UsersClient,
} from '@shop/contracts';
import { ErrorResponse } from '../docs/error-response';

@ApiTags('auth')
@ApiBadRequestResponse({
  type: ErrorResponse,
  description: 'A field is missing, unknown or invalid',
})
// Slows password guessing and mass sign-ups; the limit is per client address.
@UseGuards(ThrottlerGuard)
@ApiTooManyRequestsResponse({
  type: ErrorResponse,
  description: 'Too many attempts; retry after Retry-After seconds',
})
@Controller('auth')
export class AuthController {
  constructor(private readonly users: UsersClient) {}

  @Post('register')
  @ApiCreatedResponse({ type: UserView })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The email is already registered' })
  register(@Body() command: RegisterUserCommand): Promise<UserView> {
    return this.users.register(command);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AccessTokenView })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Wrong email or password' })
  login(@Body() command: LoginCommand): Promise<AccessTokenView> {
    return this.users.login(command);
  }
}
