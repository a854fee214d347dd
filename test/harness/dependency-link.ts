import {
  Proxy as ToxiproxyProxy,
  Toxic,
  ToxicDirection,
  ToxicType,
  Toxiproxy,
} from 'toxiproxy-node-client';
import { AppName } from './app-process';

/** What an app connects to: RabbitMQ, its PostgreSQL database, the MongoDB server. */
export type Dependency = 'broker' | 'postgres' | 'mongo';

/** A network fault Toxiproxy puts between one app and one dependency. */
export type Fault =
  /** Every byte from the dependency arrives `latencyMs` ± `jitterMs` late. */
  | { kind: 'latency'; latencyMs: number; jitterMs: number }
  /** A black hole: the connections stay open, nothing gets through in either direction. */
  | { kind: 'timeout' }
  /** Every connection, open or new, is reset (RST) as soon as it carries data. */
  | { kind: 'reset_peer' }
  /** Both directions limited to `rateKBps` kilobytes per second. */
  | { kind: 'bandwidth'; rateKBps: number }
  /** The link is cut: open connections are closed, new ones refused. */
  | { kind: 'cut' };

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'latency':
      return `latency ${fault.latencyMs}±${fault.jitterMs} ms`;
    case 'bandwidth':
      return `bandwidth ${fault.rateKBps} KB/s`;
    case 'timeout':
      return 'black hole (timeout)';
    case 'reset_peer':
      return 'TCP reset (reset_peer)';
    case 'cut':
      return 'cut (proxy disabled)';
  }
}

type ToxicAttributes = Record<string, number>;

/** The toxics that make up a fault, per direction; a cut is no toxic but a disabled proxy. */
function toxicsOf(fault: Exclude<Fault, { kind: 'cut' }>): {
  type: ToxicType;
  stream: ToxicDirection;
  attributes: ToxicAttributes;
}[] {
  const both = (type: ToxicType, attributes: ToxicAttributes) =>
    (['upstream', 'downstream'] as const).map((stream) => ({ type, stream, attributes }));
  switch (fault.kind) {
    case 'latency':
      // One direction is enough: a request/reply pays it once, as across a slow WAN hop.
      return [
        {
          type: 'latency',
          stream: 'downstream',
          attributes: { latency: fault.latencyMs, jitter: fault.jitterMs },
        },
      ];
    case 'timeout':
      // timeout 0: never closes the connection, drops everything until the toxic is removed.
      return both('timeout', { timeout: 0 });
    case 'reset_peer':
      return both('reset_peer', { timeout: 0 });
    case 'bandwidth':
      return both('bandwidth', { rate: fault.rateKBps });
  }
}

/**
 * One Toxiproxy proxy between one app and one of its dependencies, so a fault hits exactly
 * that app's connections (the test's own connections to the same server stay healthy).
 */
export class DependencyLink {
  private toxics: Toxic<ToxicAttributes>[] = [];
  private isCut = false;

  private constructor(
    readonly app: AppName,
    readonly dependency: Dependency,
    private readonly proxy: ToxiproxyProxy,
  ) {}

  /** Listens on a port Toxiproxy picks on 127.0.0.1 and forwards to `upstream` (host:port). */
  static async open(
    toxiproxy: Toxiproxy,
    name: string,
    app: AppName,
    dependency: Dependency,
    upstream: string,
  ): Promise<DependencyLink> {
    const proxy = await toxiproxy.createProxy({ name, listen: '127.0.0.1:0', upstream });
    return new DependencyLink(app, dependency, proxy);
  }

  /** host:port the app connects to instead of the dependency. */
  get listen(): string {
    return this.proxy.listen;
  }

  async inject(fault: Fault): Promise<void> {
    if (fault.kind === 'cut') {
      await this.setEnabled(false);
      this.isCut = true;
      return;
    }
    for (const { type, stream, attributes } of toxicsOf(fault)) {
      this.toxics.push(
        await this.proxy.addToxic<ToxicAttributes>({
          name: `${type}-${stream}`,
          type,
          stream,
          toxicity: 1,
          attributes,
        }),
      );
    }
  }

  /** Removes every toxic and reconnects a cut link: the network is healthy again. */
  async restore(): Promise<void> {
    const toxics = this.toxics;
    this.toxics = [];
    for (const toxic of toxics) await toxic.remove();
    if (this.isCut) {
      // Same listen address as before: the apps reconnect to the URL they were given.
      await this.setEnabled(true);
      this.isCut = false;
    }
  }

  async remove(): Promise<void> {
    await this.proxy.remove();
  }

  private async setEnabled(enabled: boolean): Promise<void> {
    await this.proxy.update({ enabled, listen: this.proxy.listen, upstream: this.proxy.upstream });
  }
}
