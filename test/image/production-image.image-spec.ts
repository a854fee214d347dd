import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProductView } from '@shop/contracts';
import { ProcessPlatform } from '../harness/process-platform';
import { ShopApi } from '../harness/shop-api';
import {
  ProductionImage,
  apps,
  assembleProductionImage,
  dockerfileNodeMajor,
  dockerfileSteps,
} from './production-image';

const admin = { email: 'admin@shop.test', password: 'admin password of the image test' };

/** What docker-compose.yml gives every app, with the databases and queues of this run. */
const productionVariables = {
  NODE_ENV: 'production',
  JWT_SECRET: randomBytes(32).toString('hex'),
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
};

/** Packages that build or test the code; none may reach an image. */
const buildAndTestTools = [
  '@nestjs/cli',
  'webpack',
  'typescript',
  'ts-node',
  '@swc/core',
  '@swc-node/register',
  'jest',
];

function startFromImage(image: ProductionImage, variables: Record<string, string>) {
  const { args, cwd, executable = process.execPath } = image.launcher.command('gateway');
  return spawnSync(executable, args, {
    cwd,
    env: { ...image.launcher.inheritedVariables(), ...variables },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('The production image, assembled as the Dockerfile does (no Docker engine)', () => {
  let image: ProductionImage;

  beforeAll(async () => {
    image = await assembleProductionImage();
    const steps = Object.entries(image.stepDurationsMs);
    process.stdout.write(
      `[image] assembled in ${steps.map(([step, ms]) => `${step} ${(ms / 1_000).toFixed(0)} s`).join(', ')}\n`,
    );
  }, 900_000);

  afterAll(() => image?.dispose());

  it('runs the steps of the Dockerfile that this suite runs by hand', () => {
    const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');

    const missing = Object.values(dockerfileSteps).filter((step) => !dockerfile.includes(step));

    expect(missing).toEqual([]);
  });

  it("runs its apps on the Node.js major of the Dockerfile's stages", () => {
    const runtime = spawnSync(image.node, ['-p', 'process.versions.node'], { encoding: 'utf8' });

    expect(runtime.stdout.trim().split('.')[0]).toBe(dockerfileNodeMajor());
  });

  it('holds a bundle per app and none of the tools that build or test it', () => {
    const bundles = apps.filter((app) =>
      existsSync(join(image.folder, 'dist', 'apps', app, 'main.js')),
    );
    const tools = buildAndTestTools.filter((tool) =>
      existsSync(join(image.folder, 'node_modules', tool)),
    );

    expect(bundles).toEqual(apps);
    expect(tools).toEqual([]);
  });

  it('refuses to start in production with the development JWT secret', () => {
    const result = startFromImage(image, { NODE_ENV: 'production' });

    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Refusing to start in production: JWT_SECRET is the development default; set a secret of your own.',
    );
  });

  describe('its four apps, started from it in production', () => {
    let platform: ProcessPlatform;
    let api: ShopApi;

    beforeAll(async () => {
      platform = await ProcessPlatform.start(productionVariables, undefined, {
        launcher: image.launcher,
        startTimeoutMs: 60_000,
      });
      api = new ShopApi(platform.gatewayUrl, undefined, 10_000);
    }, 180_000);

    afterAll(async () => {
      await platform?.stop();
    });

    it('places an order end to end: confirmed, and the stock taken', async () => {
      const shopAdmin = await api.logIn(admin.email, admin.password);
      const customer = await api.signUp('grace@example.com');
      const product = await shopAdmin.createProduct(5);

      const placed = await customer.placeOrder(product.id, 2);
      const order = await customer.finalOrder(placed.body.id);
      const { body: afterOrder } = await api.request<ProductView>(
        'GET',
        `/api/products/${product.id}`,
      );

      expect(placed.status).toBe(202);
      expect(order.status).toBe('CONFIRMED');
      expect(afterOrder.stock).toBe(3);
    });

    it('serves the Swagger UI with its assets', async () => {
      const pageUrl = `${platform.gatewayUrl}/docs`;
      const page = await fetch(pageUrl);
      const script = /src="([^"]*swagger-ui-bundle\.js)"/.exec(await page.text())?.[1] ?? '';
      const asset = await fetch(new URL(script, pageUrl));
      // Read to the end: a response left half-read holds its connection open, and the gateway's
      // SIGTERM below would wait for it until the drain deadline.
      const assetBody = await asset.text();

      expect(page.status).toBe(200);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(assetBody).toContain('SwaggerUIBundle');
    });

    it('stops every app on SIGTERM after draining, with nothing logged as an error', async () => {
      const stopped = [];
      // The gateway first, as docker compose stops what depends on the others.
      for (const app of ['gateway', 'users', 'orders', 'payments'] as const)
        stopped.push(await platform.stopApp(app, 'SIGTERM'));

      // Nest closes the app and then re-raises the signal: SIGTERM, not an exit code, is a clean stop.
      const endings = stopped.map((app) => ({ app: app.app, ...app.exitStatus }));
      const errors = stopped.flatMap((app) =>
        app.lines
          .filter(
            (line) => line.level >= 50 || /unfinished|drain deadline/.test(line.message ?? ''),
          )
          .map((line) => `${app.app}: ${line.message ?? JSON.stringify(line)}`),
      );

      expect(endings).toEqual(
        stopped.map((app) => ({ app: app.app, code: null, signal: 'SIGTERM' })),
      );
      expect(errors).toEqual([]);
    });
  });
});
