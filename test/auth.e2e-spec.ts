import { JwtService } from '@nestjs/jwt';
import { DEVELOPMENT_JWT_SECRET } from '@shop/platform';
import { Client } from 'pg';
import request from 'supertest';
import { RunningPlatform, startPlatform } from './harness/platform';
import { ValidatingProxy, itAnsweredAsDocumented } from './harness/validating-proxy';

const admin = { email: 'admin@shop.test', password: 'admin password of the test run' };

describe('Sign-up and login through the gateway', () => {
  let platform: RunningPlatform;
  let database: Client;
  let proxy: ValidatingProxy;

  beforeAll(async () => {
    platform = await startPlatform({
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    });
    proxy = await ValidatingProxy.start(platform.url);
    database = new Client({ connectionString: platform.environment.usersDatabaseUrl });
    await database.connect();
  });

  afterAll(async () => {
    await database?.end();
    await proxy?.stop();
    await platform?.stop();
  });

  let sequence = 0;
  function newUser() {
    sequence += 1;
    return {
      email: `ada${sequence}@example.com`,
      password: 'correct horse battery staple',
      name: 'Ada Lovelace',
    };
  }

  async function userCount(): Promise<number> {
    const { rows } = await database.query<{ count: string }>('SELECT count(*) FROM users');
    return Number(rows[0].count);
  }

  async function registerAndLogin() {
    const user = newUser();
    await request(proxy.url).post('/api/auth/register').send(user).expect(201);
    const login = await request(proxy.url)
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    return { user, token: login.body.accessToken as string };
  }

  it('registers, logs in and shows the profile of the token holder', async () => {
    const user = newUser();

    const registered = await request(proxy.url).post('/api/auth/register').send(user).expect(201);
    const login = await request(proxy.url)
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const me = await request(proxy.url)
      .get('/api/users/me')
      .auth(login.body.accessToken, { type: 'bearer' })
      .expect(200);

    expect(registered.body).toEqual({
      id: expect.any(String),
      email: user.email,
      name: user.name,
      role: 'customer',
      createdAt: expect.any(String),
    });
    expect(login.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 3600,
    });
    expect(me.body).toEqual(registered.body);
  });

  it('never answers with the password or its hash', async () => {
    const user = newUser();

    const responses = [
      await request(proxy.url).post('/api/auth/register').send(user),
      await request(proxy.url)
        .post('/api/auth/login')
        .send({ email: user.email, password: user.password }),
    ];
    const token = responses[1].body.accessToken as string;
    responses.push(await request(proxy.url).get('/api/users/me').auth(token, { type: 'bearer' }));
    responses.push(
      await request(proxy.url)
        .patch('/api/users/me')
        .auth(token, { type: 'bearer' })
        .send({ name: 'Ada King' }),
    );

    for (const response of responses) {
      expect(response.text).not.toMatch(/argon2|password|hash/i);
      expect(response.text).not.toContain(user.password);
    }
  });

  it('refuses a second account with the same email, whatever its case, with 409', async () => {
    const user = newUser();
    await request(proxy.url).post('/api/auth/register').send(user).expect(201);

    const duplicate = await request(proxy.url)
      .post('/api/auth/register')
      .send({ ...user, email: user.email.toUpperCase() });

    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: 'This email is already registered',
    });
  });

  it('answers a wrong password and an unknown email alike, with 401', async () => {
    const user = newUser();
    await request(proxy.url).post('/api/auth/register').send(user).expect(201);

    const wrongPassword = await request(proxy.url)
      .post('/api/auth/login')
      .send({ email: user.email, password: 'not the password' });
    const unknownEmail = await request(proxy.url)
      .post('/api/auth/login')
      .send({ email: 'nobody@example.com', password: user.password });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body.message).toBe(unknownEmail.body.message);
  });

  it.each([
    ['an unknown field', { isAdmin: true }, 'property isAdmin should not exist'],
    ['a missing field', { name: undefined }, 'name must be'],
    ['a malformed email', { email: 'not-an-email' }, 'email must be an email'],
    [
      'a short password',
      { password: 'short' },
      'password must be longer than or equal to 8 characters',
    ],
  ])(
    'rejects a registration with %s with 400 naming the field, and creates nothing',
    async (_case, change, expected) => {
      const before = await userCount();

      const response = await request(proxy.url)
        .post('/api/auth/register')
        .send({ ...newUser(), ...change });

      expect(response.status).toBe(400);
      expect(response.body.message).toContain(expected);
      expect(await userCount()).toBe(before);
    },
  );

  it('answers errors in the documented shape with the request id', async () => {
    const response = await request(proxy.url)
      .post('/api/auth/login')
      .set('X-Request-Id', 'req-12345')
      .send({});

    expect(response.headers['x-request-id']).toBe('req-12345');
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('email must be an email'),
      correlationId: 'req-12345',
      details: expect.arrayContaining(['email must be an email']),
    });
  });

  it('updates the own profile, and the new password is the one that logs in', async () => {
    const { user, token } = await registerAndLogin();

    const updated = await request(proxy.url)
      .patch('/api/users/me')
      .auth(token, { type: 'bearer' })
      .send({ name: 'Ada King', password: 'a brand new passphrase' })
      .expect(200);

    expect(updated.body.name).toBe('Ada King');
    await request(proxy.url)
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(401);
    await request(proxy.url)
      .post('/api/auth/login')
      .send({ email: user.email, password: 'a brand new passphrase' })
      .expect(200);
  });

  it('refuses to change the role through the profile', async () => {
    const { token } = await registerAndLogin();

    const response = await request(proxy.url)
      .patch('/api/users/me')
      .auth(token, { type: 'bearer' })
      .send({ role: 'admin' });

    expect(response.status).toBe(400);
    expect(response.body.message).toContain('property role should not exist');
  });

  describe('tokens', () => {
    const signer = new JwtService();
    const claims = { email: 'ada@example.com', role: 'customer' };
    const validOptions = {
      secret: DEVELOPMENT_JWT_SECRET,
      issuer: 'shop-platform',
      audience: 'shop-api',
      subject: '00000000-0000-4000-8000-000000000000',
    };

    it.each([
      ['no token', undefined],
      ['a malformed token', 'not.a.jwt'],
      [
        'a token signed with another secret',
        signer.sign(claims, {
          ...validOptions,
          secret: 'another secret that is long enough to sign',
        }),
      ],
      [
        'an expired token',
        signer.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, validOptions),
      ],
      [
        'a token for another audience',
        signer.sign(claims, { ...validOptions, audience: 'another-api' }),
      ],
      [
        'an unsigned token (alg none)',
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: validOptions.subject })).toString('base64url')}.`,
      ],
    ])('answers %s with 401', async (_case, token) => {
      const call = request(proxy.url).get('/api/users/me');
      if (token) call.auth(token, { type: 'bearer' });

      const response = await call;

      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });
  });

  it('creates the first admin from the environment', async () => {
    const login = await request(proxy.url).post('/api/auth/login').send(admin).expect(200);

    const me = await request(proxy.url)
      .get('/api/users/me')
      .auth(login.body.accessToken, { type: 'bearer' })
      .expect(200);

    expect(me.body).toMatchObject({ email: admin.email, role: 'admin' });
  });

  itAnsweredAsDocumented(() => proxy);
});
