import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  FindUserQuery,
  LoginCommand,
  RegisterUserCommand,
  UpdateProfileCommand,
  UsersPatterns,
} from '@shop/contracts';
import { UsersService } from './users.service';

@Controller()
export class UsersHandlers {
  constructor(private readonly users: UsersService) {}

  @MessagePattern(UsersPatterns.register)
  register(@Payload() command: RegisterUserCommand) {
    return this.users.register(command);
  }

  @MessagePattern(UsersPatterns.login)
  login(@Payload() command: LoginCommand) {
    return this.users.login(command);
  }

  @MessagePattern(UsersPatterns.findById)
  findById(@Payload() query: FindUserQuery) {
    return this.users.findById(query.userId);
  }

  @MessagePattern(UsersPatterns.validate)
  validate(@Payload() query: FindUserQuery) {
    return this.users.findById(query.userId);
  }

  @MessagePattern(UsersPatterns.updateProfile)
  updateProfile(@Payload() command: UpdateProfileCommand) {
    return this.users.updateProfile(command);
  }
}
