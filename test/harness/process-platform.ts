import { AppName, AppProcess, AppProcessOptions } from './app-process';
import { IsolatedEnvironment, createIsolatedEnvironment } from './isolated-environment';

export interface ProcessPlatformOptions extends AppProcessOptions {
  /**
   * Variables of one app over the shared ones, e.g. its own proxied RABBITMQ_URL
   * (test/harness/proxied-platform.ts). Default: none, every app gets the same variables.
   */
  variablesOf?: (app: AppName, shared: Readonly<Record<string, string>>) => Record<string, string>;
}

/** All four apps as OS processes in one isolated environment, for kill, restart and log tests. */
export class ProcessPlatform {
  readonly apps = new Map<AppName, AppProcess>();

  private constructor(
    readonly environment: IsolatedEnvironment,
    private readonly variables: Record<string, string>,
    /** Applied to every app, restarted ones included. */
    readonly options: ProcessPlatformOptions,
  ) {}

  static async start(
    extraVariables: Record<string, string> = {},
    apps: AppName[] = ['users', 'orders', 'payments', 'gateway'],
    options: ProcessPlatformOptions = {},
  ): Promise<ProcessPlatform> {
    const environment = await createIsolatedEnvironment();
    const platform = new ProcessPlatform(
      environment,
      { ...environment.variables, ...extraVariables },
      options,
    );
    try {
      // Services first, concurrently; the gateway last, so its first requests find consumers.
      // All settle before a failure is raised, so none keeps running unnoticed.
      const services = await Promise.allSettled(
        apps.filter((app) => app !== 'gateway').map((app) => platform.startApp(app)),
      );
      const failure = services.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      if (apps.includes('gateway')) await platform.startApp('gateway');
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  get gatewayUrl(): string {
    return this.app('gateway').url;
  }

  app(name: AppName): AppProcess {
    const app = this.apps.get(name);
    if (!app) throw new Error(`${name} is not running`);
    return app;
  }

  async startApp(name: AppName): Promise<AppProcess> {
    const variables = { ...this.variables, ...this.options.variablesOf?.(name, this.variables) };
    const app = await AppProcess.start(name, variables, this.options);
    this.apps.set(name, app);
    return app;
  }

  async stopApp(name: AppName, signal: NodeJS.Signals = 'SIGTERM'): Promise<AppProcess> {
    const app = this.app(name);
    await app.stop(signal);
    this.apps.delete(name);
    return app;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.keys()].map((name) => this.stopApp(name)));
    await this.environment.dispose();
  }
}
