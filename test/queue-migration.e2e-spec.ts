import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ChannelModel, connect } from 'amqplib';
import { AppProcess } from './harness/app-process';
import { IsolatedEnvironment, createIsolatedEnvironment } from './harness/isolated-environment';

const root = join(__dirname, '..');

/** Runs a command of the repository with this test file's environment, as a user would. */
function run(command: string[], variables: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', '@swc-node/register', ...command], {
    cwd: root,
    env: { ...process.env, ...variables },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

// Local brokers keep the classic queues of runs from before quorum queues became the default.
describe('Classic queues left by earlier runs', () => {
  let environment: IsolatedEnvironment;
  let connection: ChannelModel;
  let payments: AppProcess | undefined;

  beforeAll(async () => {
    environment = await createIsolatedEnvironment();
    connection = await connect(environment.variables.RABBITMQ_URL);
    const channel = await connection.createConfirmChannel();
    const prefix = environment.queuePrefix;
    for (const queue of ['payments', 'payments.dead', 'users', 'users.dead'])
      await channel.assertQueue(`${prefix}${queue}`, { durable: true });
    // A message still waiting: migrating its queue would lose it.
    channel.sendToQueue(`${prefix}users`, Buffer.from('{"pattern":"users.get.v1","data":{}}'), {
      persistent: true,
    });
    await channel.waitForConfirms();
    await channel.close();
  });

  afterAll(async () => {
    await payments?.stop();
    await connection?.close();
    await environment?.dispose();
  });

  it('stop a service at start-up with one sentence naming the queue and what to do', () => {
    const result = run(['apps/payments/src/main.ts'], environment.variables);

    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `Queue '${environment.queuePrefix}payments.dead' already exists with another x-queue-type than RMQ_QUEUE_TYPE=quorum asks for: stop the apps using it and run \`npm run queues:migrate\` (it re-declares queues that are empty), or set RMQ_QUEUE_TYPE to match the queue.`,
    );
  });

  it('are re-declared as quorum queues by the migration when empty, and left alone while messages wait', () => {
    const result = run(['scripts/migrate-queues.ts', 'payments', 'users'], environment.variables);

    const prefix = environment.queuePrefix;
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      `[queues] ${prefix}payments.dead: was empty and unused: deleted and declared as configured (quorum queue).`,
      `[queues] ${prefix}payments: was empty and unused: deleted and declared as configured (quorum queue).`,
      `[queues] ${prefix}users.dead: was empty and unused: deleted and declared as configured (quorum queue).`,
      `[queues] ${prefix}users: not migrated to a quorum queue: 1 message(s) wait in it; let its service consume them (or move them, e.g. with a shovel) and run this again.`,
    ]);
  });

  it('let the service start once its queues are migrated', async () => {
    payments = await AppProcess.start('payments', environment.variables);

    const health = await fetch(`${payments.url}/health`);

    expect(health.status).toBe(200);
  });

  it('keep the waiting message of a queue the migration refused', async () => {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(`${environment.queuePrefix}users`);
    await channel.close();

    expect(messageCount).toBe(1);
  });
});
