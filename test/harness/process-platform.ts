import { apps as allApps, appNamed } from '../../scripts/lib/app-list';
import { AppName, AppProcess, AppProcessOptions } from './app-process';
import { IsolatedEnvironment, createIsolatedEnvironment } from './isolated-environment';

export interface ProcessPlatformOptions extends AppProcessOptions {
  /**
   * Variables of one app over the shared ones, e.g. its own proxied RABBITMQ_URL
   * (test/harness/proxied-platform.ts). Default: none, every app gets the same variables.
   */
  variablesOf?: (app: AppName, shared: Readonly<Record<string, string>>) => Record<string, string>;
  /** Processes per app, each on its own HTTP port, all consuming the app's one queue. Default 1. */
  replicas?: Partial<Record<AppName, number>>;
}

const isGateway = (app: AppName) => appNamed(app).kind === 'gateway';

/**
 * Every app of apps.json (or those asked for) as OS processes in one isolated environment, for
 * kill, restart and log tests; with `replicas`, several processes of an app, as a cluster
 * would run them.
 */
export class ProcessPlatform {
  private readonly running = new Map<AppName, AppProcess[]>();

  private constructor(
    readonly environment: IsolatedEnvironment,
    private readonly variables: Record<string, string>,
    /** Applied to every app, restarted ones included. */
    readonly options: ProcessPlatformOptions,
  ) {}

  static async start(
    extraVariables: Record<string, string> = {},
    apps: AppName[] = allApps.map(({ name }) => name),
    { replicas = {}, ...options }: ProcessPlatformOptions = {},
  ): Promise<ProcessPlatform> {
    const environment = await createIsolatedEnvironment();
    const platform = new ProcessPlatform(
      environment,
      { ...environment.variables, ...extraVariables },
      options,
    );
    const startAll = (app: AppName) =>
      Array.from({ length: replicas[app] ?? 1 }, () => platform.startApp(app));
    try {
      // Services first, concurrently (replicas too, as a rollout or a scale-out starts them);
      // the gateway last, so its first requests find consumers. All settle before a failure is
      // raised, so none keeps running unnoticed.
      const services = await Promise.allSettled(
        apps.filter((app) => !isGateway(app)).flatMap(startAll),
      );
      const failure = services.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      await Promise.all(apps.filter(isGateway).flatMap(startAll));
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  get gatewayUrl(): string {
    return this.app('gateway').url;
  }

  /** Every running process, replicas included. */
  get processes(): AppProcess[] {
    return [...this.running.values()].flat();
  }

  /** The app's first running process (its only one unless replicas were asked for). */
  app(name: AppName): AppProcess {
    const [first] = this.replicas(name);
    if (!first) throw new Error(`${name} is not running`);
    return first;
  }

  /** The app's running processes, oldest first. */
  replicas(name: AppName): AppProcess[] {
    return this.running.get(name) ?? [];
  }

  /** Starts one more process of the app. */
  async startApp(name: AppName): Promise<AppProcess> {
    const variables = { ...this.variables, ...this.options.variablesOf?.(name, this.variables) };
    const app = await AppProcess.start(name, variables, this.options);
    this.running.set(name, [...this.replicas(name), app]);
    return app;
  }

  /** Stops every process of the app: the service is down. */
  async stopApp(name: AppName, signal: NodeJS.Signals = 'SIGTERM'): Promise<AppProcess> {
    const [first, ...others] = this.replicas(name);
    if (!first) throw new Error(`${name} is not running`);
    await Promise.all([first, ...others].map((replica) => this.stopReplica(replica, signal)));
    return first;
  }

  /** Stops one process of an app, the others keep serving; answers its exit code. */
  async stopReplica(
    replica: AppProcess,
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<number | null> {
    const exitCode = await replica.stop(signal);
    this.running.set(
      replica.app,
      this.replicas(replica.app).filter((running) => running !== replica),
    );
    return exitCode;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((replica) => this.stopReplica(replica)));
    await this.environment.dispose();
  }
}
