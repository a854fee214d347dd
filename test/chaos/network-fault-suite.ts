import { AppName } from '../harness/app-process';
import { Dependency, describeFault } from '../harness/dependency-link';
import { ProxiedPlatform, ProxiedPlatformOptions } from '../harness/proxied-platform';
import { ChaosShop, chaosVariables } from './chaos-shop';
import { networkDisruption, networkFaults, runCase } from './fault-case';

export interface FaultTarget {
  /** For test names and the results table: "postgres (users)". */
  label: string;
  dependency: Dependency;
  /** Whose links to the dependency the fault hits; default every proxied app's. */
  apps?: AppName[];
}

/**
 * Inside a describe: one platform whose `proxied` links go through Toxiproxy, then every
 * network fault against every target, one after another on the same apps (each case removes
 * its fault and waits for the platform to serve normally before the next).
 */
export function networkFaultSuite(
  suite: string,
  proxied: ProxiedPlatformOptions['proxied'],
  targets: FaultTarget[],
): void {
  let platform: ProxiedPlatform;
  let shop: ChaosShop;

  beforeAll(async () => {
    platform = await ProxiedPlatform.start({
      variables: chaosVariables,
      proxied,
      logLevel: 'warn',
    });
    shop = await ChaosShop.open(platform.platform);
  }, 180_000);

  afterAll(async () => {
    await shop?.close();
    await platform?.stop();
  });

  for (const target of targets) {
    for (const fault of networkFaults) {
      it(`keeps every order whole and serves again after ${describeFault(fault)} on ${target.label}`, async () => {
        const result = await runCase(
          suite,
          shop,
          networkDisruption(target.label, platform.links(target.dependency, target.apps), fault),
        );

        expect(result.failures).toEqual([]);
      });
    }
  }
}
