import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

// OWASP's recommended argon2id floor: ~20 ms here, strong enough, cheap enough for logins.
const hashOptions = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordHasher {
  // Verifying against a real hash when the email is unknown keeps the timing of
  // "no such user" and "wrong password" alike, so logins don't reveal who has an account.
  private readonly decoyHash = argon2.hash('decoy password for unknown emails', hashOptions);

  hash(password: string): Promise<string> {
    return argon2.hash(password, hashOptions);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const isMatch = await argon2.verify(hash ?? (await this.decoyHash), password);
    return hash !== undefined && isMatch;
  }
}
