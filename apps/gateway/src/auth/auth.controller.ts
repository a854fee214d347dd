import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AccessTokenView, LoginCommand, RegisterUserCommand, UserView, UsersClient } from '@shop/contracts';
import { ErrorResponse } from '../docs/error-response';

@ApiTags('auth')
@ApiBadRequestResponse({ type: ErrorResponse, description: 'A field is missing, unknown or invalid' })
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
