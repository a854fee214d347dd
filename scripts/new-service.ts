/**
 * Adds an RMQ service to the monorepo, wired like users, orders and payments:
 *
 *   npm run new:service -- <name> [--database postgres|mongo]
 *
 * Writes apps/<name> (bootstrap, app module, env, a first feature answering `<name>.ping.v1`,
 * a unit spec, README) and libs/contracts/src/<name> (patterns, DTOs, typed client), then adds
 * the service to apps.json, the list that the build, npm start, scripts/infra.sh, the test
 * harness and lint derive from, and to the files that cannot read it: nest-cli.json,
 * docker-compose.yml, docker/postgres-init.sql (postgres) and the Helm chart's values (and the
 * deploy check's). See docs/adding-a-service.md.
 *
 * Everything is checked and prepared in memory first; a refusal is one sentence on stderr,
 * exit code 1, and no file touched. A wiring file whose shape it does not recognise is left
 * alone and reported as a manual step instead.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppDefinition } from './lib/app-list';
import { addMappingEntry } from './lib/yaml-mapping-entry';

const DATABASES = ['postgres', 'mongo'] as const;
type Database = (typeof DATABASES)[number];

const USAGE = 'npm run new:service -- <name> [--database postgres|mongo]';
const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
// Database names are `shop_<name>`; PostgreSQL cuts identifiers at 63 bytes.
const MAX_NAME_LENGTH = 40;
const FIRST_SERVICE_PORT = 3004;
// concurrently's colours after the cyan, green, magenta and yellow of the first four apps.
const LOG_COLOURS = [
  'blueBright',
  'redBright',
  'greenBright',
  'magentaBright',
  'yellowBright',
  'cyanBright',
  'white',
  'gray',
];

/** Something the user can fix; printed as one sentence, exit code 1, nothing written. */
class Refusal extends Error {}

interface ServiceNames {
  /** `catalog-search`: folder, project, queue, docker service and pattern prefix. */
  kebab: string;
  /** `CatalogSearch`: classes. */
  pascal: string;
  /** `catalogSearch`: functions and fields. */
  camel: string;
  /** `CATALOG_SEARCH`: environment variables and the service-name constant. */
  constant: string;
  /** `shop_catalog_search`: its PostgreSQL or MongoDB database. */
  databaseName: string;
}

interface ServiceRequest {
  names: ServiceNames;
  database: Database;
  httpPort: number;
  logColour: string;
}

interface FileChange {
  path: string;
  content: string;
  isNew: boolean;
  /** What was done to an existing file, for the summary. */
  summary?: string;
}

interface Plan {
  changes: FileChange[];
  manualSteps: string[];
}

function namesOf(kebab: string): ServiceNames {
  const words = kebab.split('-');
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  return {
    kebab,
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    constant: words.map((word) => word.toUpperCase()).join('_'),
    databaseName: `shop_${words.join('_')}`,
  };
}

// ------------------------------------------------------------------ arguments

interface Arguments {
  name: string;
  database: Database;
}

function parseArguments(argv: string[]): Arguments | 'help' {
  let name: string | undefined;
  let database: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--help' || argument === '-h') return 'help';
    if (argument === '--database') {
      database = argv[index + 1];
      if (database === undefined || database.startsWith('-'))
        throw new Refusal(`--database needs a value: postgres or mongo (usage: ${USAGE}).`);
      index += 1;
    } else if (argument.startsWith('--database=')) {
      database = argument.slice('--database='.length);
    } else if (argument.startsWith('-')) {
      throw new Refusal(`Unknown option ${argument} (usage: ${USAGE}).`);
    } else if (name === undefined) {
      name = argument;
    } else {
      throw new Refusal(
        `Give one service name, not "${name}" and "${argument}" (usage: ${USAGE}).`,
      );
    }
  }
  if (name === undefined) throw new Refusal(`Give the service a name (usage: ${USAGE}).`);
  database ??= 'postgres';
  if (database === 'none') {
    throw new Refusal(
      "--database none is not supported: ServicePlatformModule.forRoot accepts only database 'typeorm' or 'mongoose' (its GET /health pings the database), so choose postgres (the default) or mongo.",
    );
  }
  if (!(DATABASES as readonly string[]).includes(database))
    throw new Refusal(`--database must be postgres or mongo, not "${database}".`);
  return { name, database: database as Database };
}

// ------------------------------------------------------------------ the workspace

class Workspace {
  constructor(readonly root: string) {}

  path(relativePath: string): string {
    return join(this.root, relativePath);
  }

  exists(relativePath: string): boolean {
    return existsSync(this.path(relativePath));
  }

  read(relativePath: string): string {
    return readFileSync(this.path(relativePath), 'utf8');
  }

  readIfExists(relativePath: string): string | undefined {
    return this.exists(relativePath) ? this.read(relativePath) : undefined;
  }

  /** `.ts` files below a folder, recursively. */
  typeScriptFiles(relativeFolder: string): string[] {
    if (!this.exists(relativeFolder)) return [];
    return readdirSync(this.path(relativeFolder), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => join(entry.parentPath, entry.name).slice(this.root.length + 1));
  }
}

interface NestCli {
  projects?: Record<string, { type?: string; root?: string; sourceRoot?: string }>;
  [key: string]: unknown;
}

interface AppList {
  apps: AppDefinition[];
  [key: string]: unknown;
}

function readJson<T>(workspace: Workspace, path: string): T {
  try {
    return JSON.parse(workspace.read(path)) as T;
  } catch (error) {
    throw new Refusal(
      `Cannot read ${path} (${error instanceof Error ? error.message : String(error)}), so nothing was generated.`,
    );
  }
}

/** Every reason the name cannot be used in this workspace, checked before anything is written. */
function refuseInvalidName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new Refusal(
      `"${name}" is not a valid service name: use kebab-case (lower-case letters and digits, words joined by single hyphens, starting with a letter), e.g. reviews or catalog-search.`,
    );
  }
  if (name.length > MAX_NAME_LENGTH)
    throw new Refusal(
      `"${name}" is too long: a service name has at most ${MAX_NAME_LENGTH} characters.`,
    );
}

function refuseUnusableName(
  workspace: Workspace,
  names: ServiceNames,
  nestCli: NestCli,
  appList: AppList,
): void {
  const { kebab } = names;
  if (appList.apps.some((app) => app.name === kebab))
    throw new Refusal(`"${kebab}" already exists: apps.json lists an app of that name.`);
  if (nestCli.projects?.[kebab])
    throw new Refusal(`"${kebab}" already exists: nest-cli.json has a project of that name.`);
  for (const folder of [`apps/${kebab}`, `libs/${kebab}`, `libs/contracts/src/${kebab}`]) {
    if (workspace.exists(folder))
      throw new Refusal(`"${kebab}" already exists: ${folder} is there.`);
  }
  if (dockerComposeServices(workspace.readIfExists('docker-compose.yml') ?? '').includes(kebab))
    throw new Refusal(
      `"${kebab}" is already a service of docker-compose.yml; choose another name.`,
    );

  const contractSources = workspace
    .typeScriptFiles('libs/contracts/src')
    .map((file) => workspace.read(file));
  const exported = new Set(
    contractSources.flatMap((source) =>
      [...source.matchAll(/export\s+(?:const|class|interface|type|function|enum)\s+(\w+)/g)].map(
        (match) => match[1],
      ),
    ),
  );
  const taken = contractIdentifiers(names).filter((identifier) => exported.has(identifier));
  if (taken.length > 0)
    throw new Refusal(
      `"${kebab}" would clash with ${taken.join(', ')}, which libs/contracts exports already.`,
    );
  const pattern = `'${kebab}.ping.v1'`;
  if (contractSources.some((source) => source.includes(pattern)))
    throw new Refusal(
      `"${kebab}" would clash with the message pattern ${pattern}, which libs/contracts defines already.`,
    );

  const envSources = [
    ...workspace.typeScriptFiles('apps').filter((file) => file.endsWith('.env.ts')),
    ...workspace.typeScriptFiles('libs/platform/src/config'),
  ].map((file) => workspace.read(file));
  for (const variable of [`${names.constant}_HTTP_PORT`, `${names.constant}_DATABASE_URL`]) {
    if (envSources.some((source) => new RegExp(`\\b${variable}\\b`).test(source)))
      throw new Refusal(
        `"${kebab}" would clash with the environment variable ${variable}, which another app reads already.`,
      );
  }
}

function contractIdentifiers({ pascal, constant }: ServiceNames): string[] {
  return [
    `${pascal}Patterns`,
    `${pascal}PingQuery`,
    `${pascal}PingReply`,
    `${pascal}Client`,
    `${constant}_SERVICE`,
  ];
}

/** Names of the top-level `services:` of a compose file. */
function dockerComposeServices(compose: string): string[] {
  const section = /^services:[ \t]*\n((?:[ \t]+.*\n|[ \t]*\n)*)/m.exec(compose);
  if (!section) return [];
  return [...section[1].matchAll(/^ {2}([A-Za-z0-9._-]+):/gm)].map((match) => match[1]);
}

/** One port above those of apps.json (3000-3003 today). */
function nextHttpPort({ apps }: AppList): number {
  return Math.max(FIRST_SERVICE_PORT - 1, ...apps.map(({ httpPort }) => httpPort)) + 1;
}

/** The first colour of LOG_COLOURS that no app of apps.json uses yet. */
function nextLogColour({ apps }: AppList): string {
  const taken = new Set(apps.map(({ logColour }) => logColour));
  return LOG_COLOURS.find((colour) => !taken.has(colour)) ?? 'white';
}

// ------------------------------------------------------------------ new files

function importLine(names: string[], from: string): string {
  return `import { ${names.join(', ')} } from '${from}';`;
}

function serviceFiles(
  { names, database, httpPort }: ServiceRequest,
  workspace: Workspace,
  appList: AppList,
) {
  const { kebab, pascal, camel, constant, databaseName } = names;
  const app = `apps/${kebab}`;
  const contracts = `libs/contracts/src/${kebab}`;
  const isPostgres = database === 'postgres';
  const files: Record<string, string> = {};

  files[`${app}/tsconfig.app.json`] = appTsConfig(workspace, kebab, appList);

  files[`${app}/src/tracing.ts`] =
    `// The first import of main.ts: instrumentations patch http, amqplib, pg, mongodb and pino only
// as they are first loaded (see docs/tracing.md).
${importLine(['startTracing'], '@shop/platform/tracing/start-tracing')}

startTracing('${kebab}');
`;

  files[`${app}/src/main.ts`] = `import './tracing';
// Decorators of the env classes read metadata before Nest is loaded.
import 'reflect-metadata';
${importLine([`${constant}_SERVICE`], '@shop/contracts')}
${importLine(['bootstrapService', 'loadEnv', 'runApp'], '@shop/platform')}
${importLine([`${pascal}Env`], `./${kebab}.env`)}
${importLine([`${pascal}AppModule`], `./${kebab}-app.module`)}

runApp(() =>
  bootstrapService(${pascal}AppModule, {
    service: ${constant}_SERVICE,
    httpPort: loadEnv(${pascal}Env).${constant}_HTTP_PORT,
  }),
);
`;

  files[`${app}/src/${kebab}-app.module.ts`] = isPostgres
    ? `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
${importLine([`${constant}_SERVICE`], '@shop/contracts')}
import { ServicePlatformModule, migratedDataSource } from '@shop/platform';
${importLine([`${camel}DataSourceOptions`], `./database/${kebab}-data-source`)}
${importLine([`${pascal}Env`], `./${kebab}.env`)}
${importLine([`${pascal}Module`], `./${kebab}/${kebab}.module`)}

@Module({
  imports: [
    ServicePlatformModule.forRoot({ service: ${constant}_SERVICE, env: ${pascal}Env, database: 'typeorm' }),
    TypeOrmModule.forRootAsync({
      inject: [${pascal}Env],
      useFactory: (env: ${pascal}Env) => ${camel}DataSourceOptions(env.${constant}_DATABASE_URL),
      // Migrations under a lock: replicas start together.
      dataSourceFactory: migratedDataSource,
    }),
    ${pascal}Module,
  ],
})
export class ${pascal}AppModule {}
`
    : `import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
${importLine([`${constant}_SERVICE`], '@shop/contracts')}
import { ServicePlatformModule } from '@shop/platform';
${importLine([`${pascal}Env`], `./${kebab}.env`)}
${importLine([`${pascal}Module`], `./${kebab}/${kebab}.module`)}

@Module({
  imports: [
    ServicePlatformModule.forRoot({ service: ${constant}_SERVICE, env: ${pascal}Env, database: 'mongoose' }),
    MongooseModule.forRootAsync({
      inject: [${pascal}Env],
      useFactory: (env: ${pascal}Env) => ({
        uri: env.MONGO_URL,
        dbName: env.${constant}_MONGO_DB,
        serverSelectionTimeoutMS: 5_000,
      }),
    }),
    ${pascal}Module,
  ],
})
export class ${pascal}AppModule {}
`;

  const portField = `  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  ${constant}_HTTP_PORT = ${httpPort};`;
  files[`${app}/src/${kebab}.env.ts`] = isPostgres
    ? `import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { BaseEnv } from '@shop/platform';

export class ${pascal}Env extends BaseEnv {
  @Matches(/^postgres(ql)?:\\/\\//, { message: '${constant}_DATABASE_URL must be a postgres:// URL' })
  ${constant}_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/${databaseName}';

${portField}
}
`
    : `import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseEnv } from '@shop/platform';

export class ${pascal}Env extends BaseEnv {
  @Matches(/^mongodb(\\+srv)?:\\/\\//, { message: 'MONGO_URL must be a mongodb:// URL' })
  MONGO_URL = 'mongodb://127.0.0.1:27017';

  @IsString()
  @MinLength(1)
  ${constant}_MONGO_DB = '${databaseName}';

${portField}
}
`;

  if (isPostgres) {
    files[`${app}/src/database/${kebab}-data-source.ts`] =
      `import { SafeTypeOrmLogger, postgresDeadlines } from '@shop/platform';
import { DataSourceOptions } from 'typeorm';
${importLine([`${camel}Migrations`], './migrations')}

export function ${camel}DataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    // Entities of the feature folders, e.g. [ReviewEntity]; each table comes from a migration.
    entities: [],
    migrations: ${camel}Migrations,
    // Schema changes are migrations, applied at start-up under a lock (migratedDataSource),
    // never \`synchronize\`.
    migrationsRun: false,
    synchronize: false,
    logger: new SafeTypeOrmLogger(),
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: 1_000,
    ...postgresDeadlines,
  };
}
`;
    files[`${app}/src/database/migrations/index.ts`] =
      `import { MigrationInterface } from 'typeorm';

/**
 * Listed, not globbed: the webpack bundle has no migration files to find. Add each new
 * \`<timestamp>-<what>.ts\` migration class here, oldest first.
 */
export const ${camel}Migrations: (new () => MigrationInterface)[] = [];
`;
  }

  const feature = `${app}/src/${kebab}`;
  files[`${feature}/${kebab}.module.ts`] = `import { Module } from '@nestjs/common';
${importLine([`${pascal}Handlers`], `./${kebab}.handlers`)}
${importLine([`${pascal}Service`], `./${kebab}.service`)}

@Module({
  controllers: [${pascal}Handlers],
  providers: [${pascal}Service],
})
export class ${pascal}Module {}
`;
  files[`${feature}/${kebab}.handlers.ts`] = `import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
${importLine([`${pascal}Patterns`, `${pascal}PingQuery`], '@shop/contracts')}
${importLine([`${pascal}Service`], `./${kebab}.service`)}

@Controller()
export class ${pascal}Handlers {
  constructor(private readonly ${camel}: ${pascal}Service) {}

  @MessagePattern(${pascal}Patterns.ping)
  ping(@Payload() query: ${pascal}PingQuery) {
    return this.${camel}.ping(query);
  }
}
`;
  files[`${feature}/${kebab}.service.ts`] = `import { Injectable } from '@nestjs/common';
${importLine([`${constant}_SERVICE`, `${pascal}PingQuery`, `${pascal}PingReply`], '@shop/contracts')}

@Injectable()
export class ${pascal}Service {
  /**
   * The generated example behind \`${kebab}.ping.v1\`:
   * replace it with the service's first real behaviour.
   */
  ping({ message }: ${pascal}PingQuery): ${pascal}PingReply {
    return { service: ${constant}_SERVICE, echo: message ?? 'pong' };
  }
}
`;
  files[`${feature}/${kebab}.service.spec.ts`] =
    `${importLine([`${constant}_SERVICE`], '@shop/contracts')}
${importLine([`${pascal}Service`], `./${kebab}.service`)}

describe(${pascal}Service.name, () => {
  let sut: ${pascal}Service;

  beforeEach(() => {
    sut = new ${pascal}Service();
  });

  it('echoes the message of a ping', () => {
    const reply = sut.ping({ message: 'hello' });

    expect(reply).toEqual({ service: ${constant}_SERVICE, echo: 'hello' });
  });

  it('answers pong to a ping without a message', () => {
    const reply = sut.ping({});

    expect(reply).toEqual({ service: ${constant}_SERVICE, echo: 'pong' });
  });
});
`;

  files[`${contracts}/${kebab}.patterns.ts`] =
    `/** RMQ patterns served by the ${kebab} service. The suffix is the contract version. */
export const ${pascal}Patterns = {
  ping: '${kebab}.ping.v1',
} as const;

export const ${constant}_SERVICE = '${kebab}';
`;
  files[`${contracts}/${kebab}.dto.ts`] =
    `import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Payload of \`${kebab}.ping.v1\`, the generated example: replace it with a real query. */
export class ${pascal}PingQuery {
  @ApiPropertyOptional({ example: 'hello', minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  message?: string;
}

export class ${pascal}PingReply {
  @ApiProperty({ example: '${kebab}' })
  service: string;

  @ApiProperty({ description: 'The message sent, or pong', example: 'hello' })
  echo: string;
}
`;
  files[`${contracts}/${kebab}.client.ts`] =
    `import { RpcSender, idempotent } from '../common/rpc-sender';
${importLine([`${pascal}PingQuery`, `${pascal}PingReply`], `./${kebab}.dto`)}
${importLine([`${constant}_SERVICE`, `${pascal}Patterns`], `./${kebab}.patterns`)}

/**
 * Typed client of the ${kebab} service: feature code never names a pattern.
 *
 * @example
 * // In the module of the calling app (the client names its service itself):
 * ServiceClientsModule.register([${pascal}Client]);
 * // In a provider that injects \`${camel}: ${pascal}Client\`:
 * const reply = await ${camel}.ping({ message: 'hello' });
 * // reply: { service: '${kebab}', echo: 'hello' }
 */
export class ${pascal}Client {
  static readonly service = ${constant}_SERVICE;

  constructor(private readonly rpc: RpcSender) {}

  /** A query: a repeat changes nothing, so a call that timed out may be sent again. */
  ping(query: ${pascal}PingQuery = {}): Promise<${pascal}PingReply> {
    return this.rpc.send(${pascal}Patterns.ping, query, idempotent);
  }
}
`;

  files[`${app}/README.md`] = appReadme(names, database, httpPort);
  return files;
}

/** The tsconfig of an existing service with the output folder of the new one, so they never drift. */
function appTsConfig(workspace: Workspace, kebab: string, { apps }: AppList): string {
  const template = apps
    .filter((app) => app.kind === 'service')
    .map((app) => `apps/${app.name}/tsconfig.app.json`)
    .find((path) => workspace.exists(path));
  const config = template
    ? (JSON.parse(workspace.read(template)) as { compilerOptions?: Record<string, unknown> })
    : {
        extends: '../../tsconfig.build.json',
        compilerOptions: { declaration: false },
        include: ['src/**/*', '../../libs/**/src/**/*'],
        exclude: ['node_modules', 'dist', 'test', '**/*spec.ts'],
      };
  config.compilerOptions = { ...config.compilerOptions, outDir: `../../dist/apps/${kebab}` };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function appReadme(names: ServiceNames, database: Database, httpPort: number): string {
  const { kebab, pascal, constant, databaseName } = names;
  const storage =
    database === 'postgres'
      ? 'its own PostgreSQL database.\nSchema changes are TypeORM migrations, applied at start-up, never `synchronize`.'
      : 'its own MongoDB database (Mongoose).';
  const column = Math.max(14, kebab.length + 3);
  const folder = (name: string, description: string) =>
    `  ${`${name}/`.padEnd(column)}${description}\n`;
  const layout =
    folder(kebab, 'handlers (thin), service (the behaviour), service spec') +
    (database === 'postgres'
      ? folder('database', 'data source options, migrations/ (listed in migrations/index.ts)')
      : '');
  const databaseRows =
    database === 'postgres'
      ? `| \`${constant}_DATABASE_URL\` | \`postgres://postgres@127.0.0.1:5432/${databaseName}\` | its own database (\`npm run infra -- up\` creates it) |\n`
      : `| \`MONGO_URL\` | \`mongodb://127.0.0.1:27017\` | the MongoDB server |\n| \`${constant}_MONGO_DB\` | \`${databaseName}\` | its own database |\n`;
  return `# ${kebab}

Owns **(say what ${kebab} owns)** in ${storage}
Generated by \`npm run new:service\` ([docs/adding-a-service.md](../../docs/adding-a-service.md)).

\`\`\`
src/
  main.ts, tracing.ts, ${kebab}-app.module.ts, ${kebab}.env.ts
${layout}\`\`\`

## Messages

It consumes its queue \`\${RMQ_QUEUE_PREFIX}${kebab}\`. Patterns and DTOs are in
\`libs/contracts/src/${kebab}\`; callers use \`${pascal}Client\`.

| pattern | payload | answer |
|---|---|---|
| \`${kebab}.ping.v1\` | \`${pascal}PingQuery {message?}\` | \`${pascal}PingReply {service, echo}\` (the generated example) |
| \`health.ping.v1\` | \`{}\` | \`{service: '${kebab}', status: 'ok'}\` (readiness, from \`ServicePlatformModule\`) |

## Environment

| variable | default | |
|---|---|---|
${databaseRows}| \`${constant}_HTTP_PORT\` | \`${httpPort}\` | \`GET /health\`, \`GET /metrics\` (0 picks a free port) |

And those of every service (\`RABBITMQ_URL\`, \`RMQ_QUEUE_PREFIX\`, \`RMQ_PREFETCH\`, \`LOG_LEVEL\`,
\`NODE_ENV\`, ...): see [\`libs/platform\`](../../libs/platform/README.md#environment).

\`\`\`bash
npx nest build ${kebab} && node dist/apps/${kebab}/main.js
npx nest start ${kebab} --watch
npx jest --selectProjects unit --coverage=false apps/${kebab}
\`\`\`
`;
}

// ------------------------------------------------------------------ edits of existing files

interface Edit {
  path: string;
  /** Returns the new content, or a manual step when the file does not look as expected. */
  apply(content: string): { content: string; summary: string } | { manualStep: string };
  /** An edit the service cannot work without: when it cannot be made, nothing is written. */
  isRequired?: boolean;
}

function edits({ names, database, httpPort, logColour }: ServiceRequest): Edit[] {
  const { kebab, constant, databaseName } = names;
  const isPostgres = database === 'postgres';
  const list: Edit[] = [
    {
      path: 'apps.json',
      isRequired: true,
      apply: (content) => {
        const appList = JSON.parse(content) as AppList;
        const app: AppDefinition = {
          name: kebab,
          kind: 'service',
          httpPortVariable: `${constant}_HTTP_PORT`,
          httpPort,
          database: isPostgres
            ? { kind: 'postgres', name: databaseName, urlVariable: `${constant}_DATABASE_URL` }
            : {
                kind: 'mongo',
                name: databaseName,
                urlVariable: 'MONGO_URL',
                nameVariable: `${constant}_MONGO_DB`,
              },
          logColour,
        };
        appList.apps.push(app);
        return {
          content: `${JSON.stringify(appList, null, 2)}\n`,
          summary: `${kebab} in the list of apps that the build, npm start (${logColour}), infra.sh, the test harness and lint read`,
        };
      },
    },
    {
      path: 'nest-cli.json',
      isRequired: true,
      apply: (content) => {
        const config = JSON.parse(content) as NestCli;
        const projects = Object.entries(config.projects ?? {});
        const project = {
          type: 'application',
          root: `apps/${kebab}`,
          entryFile: 'main',
          sourceRoot: `apps/${kebab}/src`,
          compilerOptions: { tsConfigPath: `apps/${kebab}/tsconfig.app.json` },
        };
        // After the last application, before the libraries, as `nest generate app` would read best.
        let at = projects.length;
        projects.forEach(([, existing], index) => {
          if (existing.type === 'application') at = index + 1;
        });
        projects.splice(at, 0, [kebab, project]);
        config.projects = Object.fromEntries(projects);
        return {
          content: `${JSON.stringify(config, null, 2)}\n`,
          summary: `project ${kebab}`,
        };
      },
    },
    {
      path: 'libs/contracts/src/index.ts',
      isRequired: true,
      apply: (content) => ({
        content: `${content.trimEnd()}\n${['patterns', 'dto', 'client']
          .map((part) => `export * from './${kebab}/${kebab}.${part}';`)
          .join('\n')}\n`,
        summary: `exports of libs/contracts/src/${kebab}`,
      }),
    },
    {
      path: 'docker-compose.yml',
      apply: (content) => {
        const volumes = /^volumes:/m.exec(content);
        const hasAnchors = ['app', 'app-environment', 'infrastructure', 'app-healthcheck'].every(
          (anchor) => new RegExp(`&${anchor}\\s`).test(content),
        );
        if (!volumes || !hasAnchors || !/^services:/m.test(content))
          return {
            manualStep: `add a ${kebab} service to docker-compose.yml like the payments one`,
          };
        const environment = isPostgres
          ? `      ${constant}_DATABASE_URL: postgres://postgres:\${POSTGRES_PASSWORD:-postgres}@postgres:5432/${databaseName}\n`
          : `      MONGO_URL: mongodb://mongo:27017\n`;
        const block = `  ${kebab}:
    <<: *app
    build: { context: ., args: { APP: ${kebab} } }
    environment:
      <<: *app-environment
${environment}      ${constant}_HTTP_PORT: ${httpPort}
    depends_on:
      <<: *infrastructure
      ${isPostgres ? 'postgres' : 'mongo'}: { condition: service_healthy }
    healthcheck:
      <<: *app-healthcheck
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${httpPort}/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

`;
        return {
          content: content.slice(0, volumes.index) + block + content.slice(volumes.index),
          summary: `service ${kebab} with a healthcheck`,
        };
      },
    },
    {
      path: 'deploy/helm/shop-platform/values.yaml',
      apply: (content) => {
        const database = isPostgres
          ? `
    kind: postgres
    urlVariable: ${constant}_DATABASE_URL`
          : `
    kind: mongodb
    urlVariable: MONGO_URL
    nameVariable: ${constant}_MONGO_DB`;
        // As the other services: two replicas at least, KEDA adds more on queue length.
        const entry = `
  kind: service
  port: ${httpPort}
  portVariable: ${constant}_HTTP_PORT
  auth: false
  config: {}
  database:${database}
    name: ${databaseName}
    existingSecret: ""
    existingSecretKey: uri
  replicas: 2
  autoscaling:
    enabled: true
    minReplicas: 2
    maxReplicas: 6
    queueLength: 50
  resources:
    requests: { cpu: 250m, memory: 256Mi }
    limits: { memory: 512Mi }`;
        const updated = addMappingEntry(content, ['apps'], kebab, entry);
        if (!updated)
          return {
            manualStep: `add ${kebab} to the apps of deploy/helm/shop-platform/values.yaml like payments`,
          };
        return {
          content: updated,
          summary: `apps.${kebab}: its Deployment, Service, PDB, ScaledObject, NetworkPolicy and ${isPostgres ? 'PostgreSQL cluster' : 'MongoDB user'}`,
        };
      },
    },
    {
      // The deploy check renders the chart without operators: the database URL then comes
      // from a Secret the user manages.
      path: 'deploy/check/values/external.yaml',
      apply: (content) => {
        const updated = addMappingEntry(
          content,
          ['apps'],
          kebab,
          `\n  database:\n    existingSecret: shop-${kebab}-db`,
        );
        if (!updated)
          return {
            manualStep: `give apps.${kebab}.database.existingSecret a value in deploy/check/values/external.yaml`,
          };
        return { content: updated, summary: `apps.${kebab}.database.existingSecret` };
      },
    },
  ];
  if (isPostgres) {
    list.push({
      path: 'docker/postgres-init.sql',
      apply: (content) => {
        if (!/CREATE DATABASE/i.test(content))
          return {
            manualStep: `create the ${databaseName} database in docker/postgres-init.sql`,
          };
        return {
          content: `${content.trimEnd()}\nCREATE DATABASE ${databaseName};\n`,
          summary: `CREATE DATABASE ${databaseName} (a new postgres volume runs it)`,
        };
      },
    });
  } else {
    list.push({
      // With the MongoDB operator the chart needs each mongo app's password.
      path: 'deploy/check/values/operators.yaml',
      apply: (content) => {
        const updated = addMappingEntry(
          content,
          ['mongodb', 'operator', 'passwords'],
          kebab,
          ' check-only-placeholder',
        );
        if (!updated)
          return {
            manualStep: `give mongodb.operator.passwords.${kebab} a value in deploy/check/values/operators.yaml`,
          };
        return { content: updated, summary: `mongodb.operator.passwords.${kebab}` };
      },
    });
  }
  return list;
}

// ------------------------------------------------------------------ plan, format, apply

const FORMATTED = /\.(ts|js|json|md)$/;

// Loaded once the name is accepted: a refusal should not wait for prettier to load.
const loadPrettier = () => import('prettier');

async function formatted(workspace: Workspace, path: string, content: string): Promise<string> {
  if (!FORMATTED.test(path)) return content;
  const { format, resolveConfig } = await loadPrettier();
  const options = {
    ...(await resolveConfig(workspace.path(path))),
    filepath: workspace.path(path),
  };
  return format(content, options);
}

/** Formats an edited file only if it was formatted before: never reformat what others wrote. */
async function formattedLikeBefore(
  workspace: Workspace,
  path: string,
  before: string,
  after: string,
): Promise<string> {
  if (!FORMATTED.test(path)) return after;
  const { check, format, resolveConfig } = await loadPrettier();
  const options = {
    ...(await resolveConfig(workspace.path(path))),
    filepath: workspace.path(path),
  };
  return (await check(before, options)) ? format(after, options) : after;
}

async function plan(
  workspace: Workspace,
  request: ServiceRequest,
  appList: AppList,
): Promise<Plan> {
  const changes: FileChange[] = [];
  const manualSteps: string[] = [];
  for (const [path, content] of Object.entries(serviceFiles(request, workspace, appList)))
    changes.push({ path, content: await formatted(workspace, path, content), isNew: true });

  for (const edit of edits(request)) {
    const before = workspace.readIfExists(edit.path);
    const result =
      before === undefined
        ? {
            manualStep: `${edit.path} is missing: wire ${request.names.kebab} there by hand if you use it`,
          }
        : edit.apply(before);
    if ('manualStep' in result) {
      if (edit.isRequired)
        throw new Refusal(
          `Cannot wire the service into ${edit.path} (${result.manualStep}), so nothing was generated.`,
        );
      manualSteps.push(result.manualStep);
      continue;
    }
    changes.push({
      path: edit.path,
      content: await formattedLikeBefore(workspace, edit.path, before!, result.content),
      isNew: false,
      summary: result.summary,
    });
  }
  return { changes, manualSteps };
}

/** Writes every change, or, if any write fails, puts back what was there. */
function apply(workspace: Workspace, { changes }: Plan, createdFolders: string[]): void {
  const originals = new Map<string, string>();
  try {
    for (const change of changes) {
      const path = workspace.path(change.path);
      if (!change.isNew) originals.set(path, readFileSync(path, 'utf8'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, change.content);
    }
  } catch (error) {
    for (const [path, content] of originals) writeFileSync(path, content);
    for (const folder of createdFolders)
      rmSync(workspace.path(folder), { recursive: true, force: true });
    throw error;
  }
}

function summaryOf(request: ServiceRequest, { changes, manualSteps }: Plan): string {
  const { kebab, databaseName } = request.names;
  const lines = [
    `Created the ${kebab} service (${request.database === 'postgres' ? 'PostgreSQL' : 'MongoDB'} database ${databaseName}, HTTP port ${request.httpPort}):`,
    ...changes.filter((change) => change.isNew).map((change) => `  created ${change.path}`),
    ...changes
      .filter((change) => !change.isNew)
      .map((change) => `  updated ${change.path}: ${change.summary}`),
  ];
  if (manualSteps.length > 0)
    lines.push(
      'Do by hand (the file did not look as expected):',
      ...manualSteps.map((step) => `  - ${step}`),
    );
  lines.push(
    'Next:',
    request.database === 'postgres'
      ? `  npm run infra -- up            creates the ${databaseName} database`
      : '  npm run infra -- up            makes sure a MongoDB answers at MONGO_URL',
    `  npx nest start ${kebab}${' '.repeat(Math.max(1, 16 - kebab.length))}runs it; npx jest apps/${kebab} tests it`,
    '  docs/adding-a-service.md        patterns, typed clients, migrations',
  );
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const workspace = new Workspace(join(__dirname, '..'));
  try {
    const parsed = parseArguments(argv);
    if (parsed === 'help') {
      process.stdout.write(`Usage: ${USAGE}\n`);
      return 0;
    }
    refuseInvalidName(parsed.name);
    const names = namesOf(parsed.name);
    const nestCli = readJson<NestCli>(workspace, 'nest-cli.json');
    const appList = readJson<AppList>(workspace, 'apps.json');
    if (!Array.isArray(appList.apps))
      throw new Refusal('apps.json has no list "apps", so nothing was generated.');
    refuseUnusableName(workspace, names, nestCli, appList);
    const request: ServiceRequest = {
      names,
      database: parsed.database,
      httpPort: nextHttpPort(appList),
      logColour: nextLogColour(appList),
    };
    const changes = await plan(workspace, request, appList);
    apply(workspace, changes, [`apps/${names.kebab}`, `libs/contracts/src/${names.kebab}`]);
    process.stdout.write(summaryOf(request, changes));
    return 0;
  } catch (error) {
    if (error instanceof Refusal) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
