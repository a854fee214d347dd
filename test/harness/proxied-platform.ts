import { randomBytes } from 'node:crypto';
import { Toxiproxy } from 'toxiproxy-node-client';
import { appNamed } from '../../scripts/lib/app-list';
import { AppName, AppProcessOptions } from './app-process';
import { Dependency, DependencyLink } from './dependency-link';
import { mongoUrl, postgresAdminUrl, rabbitmqUrl } from './isolated-environment';
import { ProcessPlatform } from './process-platform';
import { startToxiproxy, stopToxiproxy, toxiproxyUrl } from './toxiproxy-server';

/** The variable that holds an app's URL of a dependency; undefined if it does not use it. */
function urlVariableOf(app: AppName, dependency: Dependency): string | undefined {
  if (dependency === 'broker') return 'RABBITMQ_URL';
  const { database } = appNamed(app);
  return database?.kind === dependency ? database.urlVariable : undefined;
}

const servers: Record<Dependency, { url: string; defaultPort: number }> = {
  broker: { url: rabbitmqUrl, defaultPort: 5672 },
  postgres: { url: postgresAdminUrl, defaultPort: 5432 },
  mongo: { url: mongoUrl, defaultPort: 27017 },
};

function upstreamOf(dependency: Dependency): string {
  const { url, defaultPort } = servers[dependency];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // A list of hosts (a replica set) is no URL; one proxy can stand for one server only.
    throw new Error(`A proxied platform needs a single-host URL for ${dependency}, not ${url}`);
  }
  return `${parsed.hostname}:${parsed.port || defaultPort}`;
}

/** The same URL (user, database, options) with the proxy's host:port. */
function throughProxy(url: string, listen: string): string {
  const parsed = new URL(url);
  parsed.host = listen;
  return parsed.toString();
}

async function removeProxies(links: DependencyLink[], startedToxiproxy: boolean): Promise<void> {
  await Promise.allSettled(links.map((link) => link.remove()));
  if (startedToxiproxy) await stopToxiproxy();
}

export interface ProxiedPlatformOptions extends AppProcessOptions {
  /** Variables of every app, over those of the isolated environment. */
  variables?: Record<string, string>;
  /** The dependencies each app reaches through a proxy of its own; others it reaches directly. */
  proxied: Partial<Record<AppName, Dependency[]>>;
}

/**
 * A ProcessPlatform whose chosen apps reach RabbitMQ, PostgreSQL and the MongoDB server
 * through Toxiproxy, one proxy per app and dependency, so a test can slow, black-hole, reset
 * or cut exactly those connections. Starts Toxiproxy (scripts/toxiproxy.sh) when none answers;
 * `stop()` removes the proxies and stops a Toxiproxy it started.
 */
export class ProxiedPlatform {
  private constructor(
    readonly platform: ProcessPlatform,
    private readonly allLinks: DependencyLink[],
    private readonly startedToxiproxy: boolean,
  ) {}

  static async start({
    variables = {},
    proxied,
    ...options
  }: ProxiedPlatformOptions): Promise<ProxiedPlatform> {
    const startedToxiproxy = await startToxiproxy();
    const toxiproxy = new Toxiproxy(toxiproxyUrl);
    // Toxiproxy may serve other runs: names carry this run's id.
    const runId = randomBytes(4).toString('hex');
    const links: DependencyLink[] = [];
    try {
      for (const [app, dependencies] of Object.entries(proxied) as [AppName, Dependency[]][]) {
        for (const dependency of dependencies) {
          if (!urlVariableOf(app, dependency))
            throw new Error(`${app} does not connect to ${dependency}`);
          links.push(
            await DependencyLink.open(
              toxiproxy,
              `shop-chaos-${runId}-${app}-${dependency}`,
              app,
              dependency,
              upstreamOf(dependency),
            ),
          );
        }
      }
      const platform = await ProcessPlatform.start(variables, undefined, {
        ...options,
        variablesOf: (app, shared) =>
          Object.fromEntries(
            links
              .filter((link) => link.app === app)
              .map((link) => {
                const variable = urlVariableOf(app, link.dependency)!;
                return [variable, throughProxy(shared[variable], link.listen)];
              }),
          ),
      });
      return new ProxiedPlatform(platform, links, startedToxiproxy);
    } catch (error) {
      await removeProxies(links, startedToxiproxy);
      throw error;
    }
  }

  get gatewayUrl(): string {
    return this.platform.gatewayUrl;
  }

  /** The proxies of this dependency, of every app that reaches it through one. */
  links(dependency: Dependency, apps?: readonly AppName[]): DependencyLink[] {
    const chosen = this.allLinks.filter(
      (link) => link.dependency === dependency && (!apps || apps.includes(link.app)),
    );
    if (chosen.length === 0)
      throw new Error(`No app reaches ${dependency} through a proxy${apps ? ` (${apps})` : ''}`);
    return chosen;
  }

  /** Stops the apps, drops the environment, removes the proxies (and Toxiproxy if started here). */
  async stop(): Promise<void> {
    try {
      // Healthy links first: the apps' graceful shutdown must not meet a fault left behind.
      await Promise.allSettled(this.allLinks.map((link) => link.restore()));
      await this.platform.stop();
    } finally {
      await removeProxies(this.allLinks, this.startedToxiproxy);
    }
  }
}
