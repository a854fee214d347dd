import { Logger } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory } from '@nestjs/microservices';
import { HealthPatterns } from '@shop/contracts';
import { rmqClientOptions } from '@shop/platform';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lastValueFrom, timeout } from 'rxjs';
import { parseAllDocuments } from 'yaml';
import { AppDefinition, apps } from '../scripts/lib/app-list';
import { platformNode } from './harness/app-process';
import { eventually } from './harness/eventually';
import {
  deleteBrokerObjects,
  dropMongoDatabase,
  mongoUrl,
  onPostgres,
  postgresAdminUrl,
  rabbitmqUrl,
  withDatabase,
} from './harness/isolated-environment';

const repositoryRoot = join(__dirname, '..');
const runId = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const queuePrefix = `${runId}.`;
const generated = ['reviews', 'catalog-search'] as const;

/** A Kubernetes object as helm renders it. */
interface RenderedObject {
  kind: string;
  metadata: { name: string };
  spec?: unknown;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in the copy to its end; never rejects, so it can start early and be awaited later. */
function run(workspace: string, command: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const { JEST_WORKER_ID: _worker, ...env } = process.env;
    const child = spawn(command, args, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve({ status: null, stdout, stderr: String(error) }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** What `npm run new:service` runs, without npm's own lines on stderr. */
function generate(workspace: string, args: string[]): Promise<Outcome> {
  return run(workspace, process.execPath, [
    '-r',
    '@swc-node/register',
    'scripts/new-service.ts',
    ...args,
  ]);
}

/** The files a commit would hold (tracked, and new ones git does not ignore), as in the work tree. */
function copyOfRepository(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'shop-scaffold-'));
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: repositoryRoot,
      maxBuffer: 64 * 1024 * 1024,
    },
  )
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const source = join(repositoryRoot, file);
    // Deleted in the work tree but not yet in a commit.
    if (!existsSync(source)) continue;
    mkdirSync(dirname(join(workspace, file)), { recursive: true });
    copyFileSync(source, join(workspace, file));
  }
  symlinkSync(join(repositoryRoot, 'node_modules'), join(workspace, 'node_modules'), 'dir');
  return workspace;
}

/** A hash of every file of the copy but dependencies and build output. */
function fingerprint(workspace: string): string {
  const hash = createHash('sha256');
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((left, right) =>
      left.name.localeCompare(right.name),
    )) {
      if (['node_modules', 'dist', 'coverage'].includes(entry.name)) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else hash.update(path).update(readFileSync(path));
    }
  };
  visit(workspace);
  return hash.digest('hex');
}

/** A generated service started from source in the copy, as test/harness/app-process.ts does. */
class ServiceProcess {
  private output = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(
    workspace: string,
    app: string,
    variables: Record<string, string>,
  ): Promise<{ service: ServiceProcess; httpPort: number }> {
    const child = spawn(
      platformNode(),
      ['-r', '@swc-node/register', join('apps', app, 'src', 'main.ts')],
      {
        cwd: workspace,
        env: { ...process.env, ...variables, LOG_FORMAT: 'json', LOG_LEVEL: 'log' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const service = new ServiceProcess(child);
    const listening = /listening on port (\d+)/;
    const failedEarly = service.exited.then((code) => {
      throw new Error(`${app} exited with ${code} before it was ready:\n${service.output}`);
    });
    const port = await Promise.race([
      eventually(() => listening.exec(service.output)?.[1], 45_000, `${app} to listen`),
      failedEarly,
    ]);
    return { service, httpPort: Number(port) };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }
}

async function request<T>(service: string, pattern: string, payload: unknown): Promise<T> {
  const client: ClientProxy = ClientProxyFactory.create(
    rmqClientOptions({ url: rabbitmqUrl, queuePrefix, service, prefetchCount: 1 }),
  );
  try {
    return await lastValueFrom(client.send<T>(pattern, payload).pipe(timeout(10_000)));
  } finally {
    await client.close();
  }
}

async function healthOf(httpPort: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/health`);
  return { status: response.status, body: await response.json() };
}

describe('npm run new:service', () => {
  let workspace: string;
  const generation: Partial<Record<(typeof generated)[number], Outcome>> = {};
  let typeCheck: Promise<Outcome>;
  let lint: Promise<Outcome>;
  let unitSpecs: Promise<Outcome>;
  let agreement: Promise<Outcome>;
  let helmPath: Promise<Outcome>;

  beforeAll(async () => {
    // The RMQ clients of this file would log every connection.
    Logger.overrideLogger(['warn', 'error']);
    workspace = copyOfRepository();
    generation.reviews = await run(workspace, 'npm', [
      'run',
      '--silent',
      'new:service',
      '--',
      'reviews',
      '--database',
      'postgres',
    ]);
    generation['catalog-search'] = await run(workspace, 'npm', [
      'run',
      '--silent',
      'new:service',
      '--',
      'catalog-search',
      '--database',
      'mongo',
    ]);
    // Independent checks of the copy run side by side; each test awaits its own.
    typeCheck = run(workspace, 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
    lint = run(workspace, 'npx', [
      'eslint',
      'apps/reviews',
      'apps/catalog-search',
      'libs/contracts',
      '--max-warnings',
      '0',
    ]);
    unitSpecs = run(workspace, 'npx', [
      'jest',
      '--selectProjects',
      'unit',
      '--coverage=false',
      '--',
      'apps/reviews',
      'apps/catalog-search',
    ]);
    // The helm that scripts/check-deploy.sh builds; the first run on a machine builds it here.
    helmPath = run(repositoryRoot, 'bash', ['scripts/check-deploy.sh', '--helm-path']);
    agreement = run(workspace, 'npx', [
      'jest',
      '--selectProjects',
      'unit',
      '--coverage=false',
      '--verbose',
      '--',
      'scripts/lib/app-list.spec.ts',
    ]);
  }, 60_000);

  afterAll(async () => {
    // Nothing may still write into the copy when it goes.
    await Promise.all([typeCheck, lint, unitSpecs, agreement, helmPath]);
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  }, 120_000);

  function read(path: string): string {
    return readFileSync(join(workspace, path), 'utf8');
  }

  it.each(generated)('generates %s and wires it without manual steps', (name) => {
    const outcome = generation[name]!;

    expect(outcome).toMatchObject({ status: 0, stderr: '' });
    expect(outcome.stdout).toContain(`Created the ${name} service`);
    expect(outcome.stdout).not.toContain('Do by hand');
  });

  it('adds both services to apps.json after the other apps, each on the next free port', () => {
    const { apps: listed } = JSON.parse(read('apps.json')) as { apps: AppDefinition[] };
    const firstFreePort = Math.max(...apps.map(({ httpPort }) => httpPort)) + 1;

    expect(listed.slice(0, -2)).toEqual(apps);
    expect(listed.slice(-2)).toEqual([
      {
        name: 'reviews',
        kind: 'service',
        httpPortVariable: 'REVIEWS_HTTP_PORT',
        httpPort: firstFreePort,
        database: { kind: 'postgres', name: 'shop_reviews', urlVariable: 'REVIEWS_DATABASE_URL' },
        logColour: expect.any(String),
      },
      {
        name: 'catalog-search',
        kind: 'service',
        httpPortVariable: 'CATALOG_SEARCH_HTTP_PORT',
        httpPort: firstFreePort + 1,
        database: {
          kind: 'mongo',
          name: 'shop_catalog_search',
          urlVariable: 'MONGO_URL',
          nameVariable: 'CATALOG_SEARCH_MONGO_DB',
        },
        logColour: expect.any(String),
      },
    ]);
  });

  it('makes the build and npm start, which read apps.json, take both services', async () => {
    const outcome = await run(workspace, 'node', [
      'scripts/list-apps.js',
      'name',
      'httpPortVariable',
    ]);

    expect(outcome.stdout).toMatch(
      /\nreviews REVIEWS_HTTP_PORT\ncatalog-search CATALOG_SEARCH_HTTP_PORT\n$/,
    );
    expect(read('package.json')).toContain(
      '"build": "nest build $(node scripts/list-apps.js name)"',
    );
    expect(read('scripts/start.sh')).toContain('node scripts/list-apps.js name httpPortVariable');
  });

  it('makes every file that cannot read apps.json agree with it: nest-cli, compose, SQL, the chart, env classes, clients', async () => {
    const outcome = await agreement;

    expect(outcome.status).toBe(0);
    expect(outcome.stderr).toContain("agrees with the defaults of catalog-search's env class");
  }, 180_000);

  it("gives both services their own databases in the copy's test harness", async () => {
    const outcome = await run(workspace, process.execPath, [
      '-r',
      '@swc-node/register',
      '-e',
      `require('./test/harness/isolated-environment').createIsolatedEnvironment().then(async (environment) => {
        process.stdout.write(JSON.stringify(environment.variables));
        await environment.dispose();
      });`,
    ]);
    const variables = JSON.parse(outcome.stdout) as Record<string, string>;

    expect(variables).toMatchObject({
      REVIEWS_DATABASE_URL: expect.stringMatching(/\/shop_reviews_t\w+$/),
      REVIEWS_HTTP_PORT: '0',
      CATALOG_SEARCH_MONGO_DB: expect.stringMatching(/^shop_catalog_search_t\w+$/),
      CATALOG_SEARCH_HTTP_PORT: '0',
    });
  }, 60_000);

  it('makes the Helm chart render the Deployment, Service, PDB, ScaledObject, NetworkPolicy and database of both', async () => {
    const helm = await helmPath;
    const helmHome = join(workspace, '.cache', 'helm');
    const rendered = await run(workspace, 'env', [
      `HELM_CACHE_HOME=${helmHome}/cache`,
      `HELM_CONFIG_HOME=${helmHome}/config`,
      `HELM_DATA_HOME=${helmHome}/data`,
      helm.stdout.trim(),
      'template',
      'shop',
      'deploy/helm/shop-platform',
      '--set',
      'fullnameOverride=shop',
      '-f',
      'deploy/check/values/operators.yaml',
    ]);
    const objects = parseAllDocuments(rendered.stdout)
      .map((document) => document.toJS() as RenderedObject | null)
      .filter((object): object is RenderedObject => object !== null);
    const names = objects.map(({ kind, metadata }) => `${kind} ${metadata.name}`);
    const mongoUsers = objects
      .filter(({ kind }) => kind === 'MongoDBCommunity')
      .flatMap(({ spec }) => (spec as { users: { name: string }[] }).users.map(({ name }) => name));

    expect({ status: rendered.status, errors: rendered.stderr }).toEqual({ status: 0, errors: '' });
    expect(names).toEqual(
      expect.arrayContaining(
        ['reviews', 'catalog-search']
          .flatMap((app) =>
            [
              'Deployment',
              'Service',
              'ConfigMap',
              'PodDisruptionBudget',
              'ScaledObject',
              'NetworkPolicy',
            ].map((kind) => `${kind} shop-${app}`),
          )
          .concat('Cluster shop-reviews-db'),
      ),
    );
    expect(mongoUsers).toContain('catalog-search');
    // Seconds once helm is built; building it from the Go module proxy took 29 min on two
    // cores shared with other builds.
  }, 1_800_000);

  it('writes code that prettier leaves as it is', async () => {
    const outcome = await run(workspace, 'npx', [
      'prettier',
      '--check',
      'apps/reviews',
      'apps/catalog-search',
      'libs/contracts/src/reviews',
      'libs/contracts/src/catalog-search',
    ]);

    expect(outcome.status).toBe(0);
  });

  it('type-checks the whole copy', async () => {
    const outcome = await typeCheck;

    expect({ status: outcome.status, errors: outcome.stdout }).toEqual({ status: 0, errors: '' });
  }, 180_000);

  it('lints the new apps and libs/contracts without a warning', async () => {
    const outcome = await lint;

    expect({ status: outcome.status, problems: outcome.stdout }).toEqual({
      status: 0,
      problems: '',
    });
  }, 180_000);

  it('keeps the new apps from importing each other: lint reads apps.json', async () => {
    // After the other checks of the copy: none of them may see this file.
    await Promise.all([typeCheck, lint]);
    const probe = join(workspace, 'apps/reviews/src/boundary-probe.ts');
    writeFileSync(
      probe,
      "import { CatalogSearchEnv } from '../../catalog-search/src/catalog-search.env';\n\nexport const probe = CatalogSearchEnv;\n",
    );
    let outcome: Outcome;
    try {
      outcome = await run(workspace, 'npx', ['eslint', 'apps/reviews/src/boundary-probe.ts']);
    } finally {
      rmSync(probe);
    }

    expect(outcome.status).toBe(1);
    expect(outcome.stdout).toContain('An app never imports another app');
  }, 180_000);

  it('passes the generated unit specs', async () => {
    const outcome = await unitSpecs;

    expect(outcome.status).toBe(0);
    expect(outcome.stderr).toMatch(/Tests:\s+4 passed, 4 total/);
  }, 180_000);

  it('builds reviews with nest build (webpack)', async () => {
    const outcome = await run(workspace, 'npx', ['nest', 'build', 'reviews']);

    expect(outcome.status).toBe(0);
    expect(existsSync(join(workspace, 'dist/apps/reviews/main.js'))).toBe(true);
  }, 180_000);

  it('lets nest generate add to the new project', async () => {
    const outcome = await run(workspace, 'npx', [
      'nest',
      'generate',
      'service',
      'ratings',
      '--project',
      'reviews',
      '--dry-run',
    ]);

    expect(outcome.status).toBe(0);
    expect(outcome.stdout).toContain('apps/reviews/src/ratings/ratings.service.ts');
  }, 60_000);

  describe('running the generated services', () => {
    const reviewsDatabase = `shop_reviews_${runId}`;
    const catalogSearchDatabase = `shop_catalog_search_${runId}`;
    const running: ServiceProcess[] = [];

    afterAll(async () => {
      await Promise.all(running.map((service) => service.stop()));
      await onPostgres(`DROP DATABASE IF EXISTS "${reviewsDatabase}" WITH (FORCE)`);
      await dropMongoDatabase(catalogSearchDatabase);
      await deleteBrokerObjects(queuePrefix, generated);
    }, 60_000);

    it('makes scripts/infra.sh, which reads apps.json, create the database of reviews (postgres) only', async () => {
      const databases = [
        ...apps.flatMap(({ database }) => (database?.kind === 'postgres' ? [database.name] : [])),
        reviewsDatabase,
      ];

      const outcome = await run(workspace, 'env', [
        `REVIEWS_DB_NAME=${reviewsDatabase}`,
        'bash',
        'scripts/infra.sh',
        'up',
      ]);

      expect(outcome.status).toBe(0);
      expect(outcome.stderr).toContain(`postgres: created database ${reviewsDatabase}`);
      expect(outcome.stderr).toContain(`databases ${databases.join(', ')})`);
    }, 60_000);

    it('boots reviews from source on PostgreSQL and answers reviews.ping.v1, health.ping.v1 and GET /health', async () => {
      const { service, httpPort } = await ServiceProcess.start(workspace, 'reviews', {
        NODE_ENV: 'test',
        RABBITMQ_URL: rabbitmqUrl,
        RMQ_QUEUE_PREFIX: queuePrefix,
        REVIEWS_DATABASE_URL: withDatabase(postgresAdminUrl, reviewsDatabase),
        REVIEWS_HTTP_PORT: '0',
      });
      running.push(service);

      const echo = await request('reviews', 'reviews.ping.v1', { message: 'hello' });
      const ping = await request('reviews', HealthPatterns.ping, {});
      const health = await healthOf(httpPort);

      expect(echo).toEqual({ service: 'reviews', echo: 'hello' });
      expect(ping).toEqual({ service: 'reviews', status: 'ok' });
      expect(health).toMatchObject({
        status: 200,
        body: { status: 'ok', info: { database: { status: 'up' }, broker: { status: 'up' } } },
      });
    }, 90_000);

    it('boots catalog-search from source on MongoDB and answers its ping and GET /health', async () => {
      const { service, httpPort } = await ServiceProcess.start(workspace, 'catalog-search', {
        NODE_ENV: 'test',
        RABBITMQ_URL: rabbitmqUrl,
        RMQ_QUEUE_PREFIX: queuePrefix,
        MONGO_URL: mongoUrl,
        CATALOG_SEARCH_MONGO_DB: catalogSearchDatabase,
        CATALOG_SEARCH_HTTP_PORT: '0',
      });
      running.push(service);

      const echo = await request('catalog-search', 'catalog-search.ping.v1', {});
      const health = await healthOf(httpPort);

      expect(echo).toEqual({ service: 'catalog-search', echo: 'pong' });
      expect(health).toMatchObject({
        status: 200,
        body: { status: 'ok', info: { database: { status: 'up' }, broker: { status: 'up' } } },
      });
    }, 90_000);

    it('refuses an unknown field in the example payload, as every service does', async () => {
      const refusal = request('reviews', 'reviews.ping.v1', { message: 'hello', isAdmin: true });

      await expect(refusal).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }, 30_000);
  });

  it.each([
    ['an invalid name', ['Reviews_2'], /^"Reviews_2" is not a valid service name: use kebab-case/],
    ['the same name twice', ['reviews'], /^"reviews" already exists/],
    ['the name of an existing app', ['payments'], /^"payments" already exists/],
    ['the name of a lib', ['platform'], /^"platform" already exists/],
    [
      'a name docker-compose uses',
      ['rabbitmq'],
      /^"rabbitmq" is already a service of docker-compose\.yml/,
    ],
    ['a name whose contracts exist', ['products'], /^"products" would clash with ProductsPatterns/],
    ['--database none', ['ledger', '--database', 'none'], /^--database none is not supported/],
  ])(
    'refuses %s with one sentence and exit code 1, changing no file',
    async (_case, args, message) => {
      const before = fingerprint(workspace);

      const outcome = await generate(workspace, args);

      expect(outcome.status).toBe(1);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stderr).toMatch(/^[^\n]+\.\n$/);
      expect(fingerprint(workspace)).toBe(before);
    },
    30_000,
  );
});
