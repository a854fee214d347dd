import { describeFault } from '../harness/dependency-link';
import { ProxiedPlatform } from '../harness/proxied-platform';
import { ChaosShop, chaosVariables } from './chaos-shop';
import { networkDisruption, networkFaults, runCase } from './fault-case';

const apps = ['gateway', 'users', 'orders', 'payments'] as const;

describe('Every app between itself and RabbitMQ, under network faults', () => {
  let proxied: ProxiedPlatform;
  let shop: ChaosShop;

  beforeAll(async () => {
    proxied = await ProxiedPlatform.start({
      variables: chaosVariables,
      proxied: Object.fromEntries(apps.map((app) => [app, ['broker']])),
      logLevel: 'warn',
    });
    shop = await ChaosShop.open(proxied.platform);
  }, 180_000);

  afterAll(async () => {
    await shop?.close();
    await proxied?.stop();
  });

  for (const fault of networkFaults) {
    it(`keeps every order whole and serves again after ${describeFault(fault)}`, async () => {
      const result = await runCase(
        'broker',
        shop,
        networkDisruption('broker (all apps)', proxied.links('broker'), fault),
      );

      expect(result.failures).toEqual([]);
    }, 360_000);
  }
});
