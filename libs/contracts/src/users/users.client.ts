import { RpcSender, idempotent } from '../common/rpc-sender';
import { USERS_SERVICE, UsersPatterns } from './users.patterns';
import {
  AccessTokenView,
  LoginCommand,
  RegisterUserCommand,
  UpdateProfileCommand,
  UserView,
} from './users.dto';

/** Typed client of the users service: feature code never names a pattern. */
export class UsersClient {
  static readonly service = USERS_SERVICE;

  constructor(private readonly rpc: RpcSender) {}

  register(command: RegisterUserCommand): Promise<UserView> {
    return this.rpc.send(UsersPatterns.register, command);
  }

  login(command: LoginCommand): Promise<AccessTokenView> {
    return this.rpc.send(UsersPatterns.login, command, idempotent);
  }

  findById(userId: string): Promise<UserView> {
    return this.rpc.send(UsersPatterns.findById, { userId }, idempotent);
  }

  updateProfile(command: UpdateProfileCommand): Promise<UserView> {
    return this.rpc.send(UsersPatterns.updateProfile, command, idempotent);
  }

  /** Confirms the user exists and may order; NOT_FOUND otherwise. */
  validate(userId: string): Promise<UserView> {
    return this.rpc.send(UsersPatterns.validate, { userId }, idempotent);
  }
}
