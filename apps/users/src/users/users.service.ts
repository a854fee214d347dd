import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  AccessTokenView,
  ErrorCodes,
  LoginCommand,
  RegisterUserCommand,
  Role,
  UpdateProfileCommand,
  UserView,
} from '@shop/contracts';
import { DomainError } from '@shop/platform';
import { Repository } from 'typeorm';
import { AccessTokenIssuer } from '../access-tokens/access-token.issuer';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toView(user: UserEntity): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenIssuer,
  ) {}

  async register(command: RegisterUserCommand, role: Role = 'customer'): Promise<UserView> {
    const passwordHash = await this.hasher.hash(command.password);
    // The unique index decides, so two concurrent registrations cannot both win.
    const { raw } = await this.users
      .createQueryBuilder()
      .insert()
      .values({ email: normalizeEmail(command.email), name: command.name, passwordHash, role })
      .orIgnore()
      .returning(['id', 'email', 'name', 'role', 'created_at'])
      .execute();
    const [inserted] = raw as {
      id: string;
      email: string;
      name: string;
      role: Role;
      created_at: Date;
    }[];
    if (!inserted) throw new DomainError(ErrorCodes.emailTaken, 'This email is already registered');
    return {
      id: inserted.id,
      email: inserted.email,
      name: inserted.name,
      role: inserted.role,
      createdAt: inserted.created_at.toISOString(),
    };
  }

  async login(command: LoginCommand): Promise<AccessTokenView> {
    const user = await this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email: normalizeEmail(command.email) })
      .getOne();
    const isValid = await this.hasher.verify(user?.passwordHash, command.password);
    if (!user || !isValid)
      throw new DomainError(ErrorCodes.invalidCredentials, 'Wrong email or password');
    return this.tokens.issue({ sub: user.id, email: user.email, role: user.role });
  }

  async findById(userId: string): Promise<UserView> {
    return toView(await this.getExisting(userId));
  }

  async updateProfile({ userId, name, password }: UpdateProfileCommand): Promise<UserView> {
    const changes: Partial<UserEntity> = {};
    if (name !== undefined) changes.name = name;
    if (password !== undefined) changes.passwordHash = await this.hasher.hash(password);
    if (Object.keys(changes).length > 0) {
      const { affected } = await this.users.update({ id: userId }, changes);
      if (!affected) throw new DomainError(ErrorCodes.notFound, 'User not found');
    }
    return this.findById(userId);
  }

  /** Creates the first admin from the environment unless that email is registered already. */
  async ensureAdmin(email: string, password: string): Promise<void> {
    const exists = await this.users.existsBy({ email: normalizeEmail(email) });
    if (exists) return;
    try {
      await this.register({ email, password, name: 'Administrator' }, 'admin');
    } catch (error) {
      // Another replica created it first.
      if (!(error instanceof DomainError && error.code === ErrorCodes.emailTaken)) throw error;
    }
  }

  private async getExisting(userId: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw new DomainError(ErrorCodes.notFound, 'User not found');
    return user;
  }
}
