import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UsersEnv } from '../users.env';
import { UsersService } from './users.service';

@Injectable()
export class FirstAdminInitializer implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstAdminInitializer.name);

  constructor(
    private readonly users: UsersService,
    private readonly env: UsersEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = this.env;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return;
    await this.users.ensureAdmin(ADMIN_EMAIL, ADMIN_PASSWORD);
    this.logger.log(`Admin account ${ADMIN_EMAIL} is in place`);
  }
}
