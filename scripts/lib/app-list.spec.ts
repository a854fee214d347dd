import * as contracts from '@shop/contracts';
import { BaseEnv } from '@shop/platform';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AppDefinition, apps, services } from './app-list';

// The files that cannot read apps.json themselves (static JSON, YAML, SQL, TypeScript classes)
// are written by `npm run new:service`; these tests fail when one of them drifts from the list.

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readYaml = <T>(path: string): T => parse(read(path), { merge: true }) as T;
const byName = <T>(entries: (readonly [string, T])[]) =>
  Object.fromEntries(entries.sort(([left], [right]) => left.localeCompare(right)));
const names = apps.map(({ name }) => name).sort();
const postgresApps = apps.filter(({ database }) => database?.kind === 'postgres');

async function envDefaultsOf({ name }: AppDefinition): Promise<Record<string, unknown>> {
  const module = (await import(join(root, 'apps', name, 'src', `${name}.env`))) as Record<
    string,
    unknown
  >;
  const [envClass] = Object.values(module).filter(
    (value): value is new () => BaseEnv =>
      typeof value === 'function' && value.prototype instanceof BaseEnv,
  );
  return { ...new envClass() };
}

interface ComposeService {
  build?: { args?: { APP?: string } };
  environment?: Record<string, unknown>;
  depends_on?: Record<string, unknown>;
  healthcheck?: { test?: string[] };
}

/** What a compose service says about the app it runs, in the terms of apps.json. */
function composeView(
  name: string,
  { build, environment = {}, depends_on = {}, healthcheck }: ComposeService,
) {
  const app = apps.find((candidate) => candidate.name === name);
  const databaseServers = ['postgres', 'mongo'].filter((server) => server in depends_on);
  return {
    image: build?.args?.APP,
    httpPort: app && environment[app.httpPortVariable],
    healthcheckPort: /127\.0\.0\.1:(\d+)\/health/.exec(healthcheck?.test?.join(' ') ?? '')?.[1],
    databaseServers,
    databaseUrl: app?.database && environment[app.database.urlVariable],
  };
}

function expectedComposeView({ name, httpPort, database }: AppDefinition) {
  return {
    image: name,
    httpPort,
    healthcheckPort: String(httpPort),
    databaseServers: database ? [database.kind] : [],
    databaseUrl:
      database?.kind === 'postgres'
        ? expect.stringMatching(new RegExp(`@postgres:5432/${database.name}$`))
        : database && 'mongodb://mongo:27017',
  };
}

describe('apps.json, the one list of apps', () => {
  it('names each app once and gives each its own HTTP port and port variable', () => {
    const distinct = (values: unknown[]) => new Set(values).size;

    expect([
      distinct(apps.map(({ name }) => name)),
      distinct(apps.map(({ httpPort }) => httpPort)),
      distinct(apps.map(({ httpPortVariable }) => httpPortVariable)),
    ]).toEqual([apps.length, apps.length, apps.length]);
  });

  it('lists every folder of apps/', () => {
    const folders = readdirSync(join(root, 'apps'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();

    expect(folders).toEqual(names);
  });

  it.each(apps.map((app) => [app.name, app] as const))(
    "agrees with the defaults of %s's env class",
    async (_name, app) => {
      const { database } = app;
      const expected: Record<string, unknown> = { [app.httpPortVariable]: app.httpPort };
      if (database?.kind === 'postgres')
        expected[database.urlVariable] = expect.stringMatching(
          new RegExp(`^postgres://.*/${database.name}$`),
        );
      if (database?.nameVariable) expected[database.nameVariable] = database.name;

      expect(await envDefaultsOf(app)).toMatchObject(expected);
    },
  );

  it('has a project in nest-cli.json for each app, and no other application', () => {
    const { projects } = JSON.parse(read('nest-cli.json')) as {
      projects: Record<string, { type: string; root: string; sourceRoot: string }>;
    };
    const applications = Object.entries(projects)
      .filter(([, project]) => project.type === 'application')
      .map(([name, { root: folder, sourceRoot }]) => [name, { folder, sourceRoot }] as const);

    expect(byName(applications)).toEqual(
      byName(
        apps.map(
          ({ name }) => [name, { folder: `apps/${name}`, sourceRoot: `apps/${name}/src` }] as const,
        ),
      ),
    );
  });

  it('has a service in docker-compose.yml for each app, with its port and database', () => {
    const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
    const appServices = Object.entries(compose.services).filter(([, service]) => service.build);

    expect(
      byName(appServices.map(([name, service]) => [name, composeView(name, service)])),
    ).toEqual(byName(apps.map((app) => [app.name, expectedComposeView(app)])));
  });

  it('creates the database of each postgres app in docker/postgres-init.sql', () => {
    const created = [...read('docker/postgres-init.sql').matchAll(/CREATE DATABASE (\w+);/gi)];

    expect(created.map((match) => match[1]).sort()).toEqual(
      postgresApps.map(({ database }) => database!.name).sort(),
    );
  });

  it('has an entry in the Helm chart values for each app, with its kind, port and database', () => {
    const { apps: chartApps } = readYaml<{ apps: Record<string, Record<string, unknown>> }>(
      'deploy/helm/shop-platform/values.yaml',
    );
    const described = Object.entries(chartApps).map(
      ([name, { kind, port, portVariable, database }]) =>
        [name, { kind, port, portVariable, database }] as const,
    );

    expect(byName(described)).toEqual(
      byName(
        apps.map(({ name, kind, httpPort, httpPortVariable, database }) => [
          name,
          {
            kind,
            port: httpPort,
            portVariable: httpPortVariable,
            database: database && {
              ...(database.kind === 'mongo' ? { kind: 'mongodb' } : { kind: 'postgres' }),
              name: database.name,
              urlVariable: database.urlVariable,
              ...(database.nameVariable && { nameVariable: database.nameVariable }),
              existingSecret: expect.any(String),
              existingSecretKey: expect.any(String),
            },
          },
        ]),
      ),
    );
  });

  it('gives the deploy check the secret of each database the chart renders', () => {
    const external = readYaml<{ apps: Record<string, { database?: { existingSecret?: string } }> }>(
      'deploy/check/values/external.yaml',
    );
    const operators = readYaml<{ mongodb: { operator: { passwords: Record<string, string> } } }>(
      'deploy/check/values/operators.yaml',
    );
    const withDatabase = apps.filter(({ database }) => database).map(({ name }) => name);
    const withMongo = apps.filter(({ database }) => database?.kind === 'mongo');

    expect({
      existingSecrets: withDatabase.filter((name) => external.apps[name]?.database?.existingSecret),
      mongoPasswords: Object.keys(operators.mongodb.operator.passwords).sort(),
    }).toEqual({
      existingSecrets: withDatabase,
      mongoPasswords: withMongo.map(({ name }) => name).sort(),
    });
  });

  it('has typed clients that name services of the list, and one for each service', () => {
    const named = (Object.values(contracts) as unknown[])
      .filter(
        (value): value is contracts.TypedClientClass =>
          typeof value === 'function' &&
          typeof (value as { service?: unknown }).service === 'string',
      )
      .map(({ service }) => service);

    expect([...new Set(named)].sort()).toEqual(services.map(({ name }) => name).sort());
  });
});
