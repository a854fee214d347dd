/**
 * Brings the service queues to what the environment declares, e.g. the classic queues of
 * earlier runs to quorum queues (RMQ_QUEUE_TYPE, RMQ_DELIVERY_LIMIT, RMQ_QUEUE_PREFIX and
 * RABBITMQ_URL as the apps read them):
 *
 *   npm run queues:migrate [-- <service> ...]     default: every service in apps/
 *   npm run queues:migrate -- --check             declare only; a queue declared otherwise is
 *                                                 one sentence and exit code 1 (npm start)
 *
 * A queue declared otherwise is deleted and declared again only while it is empty and has no
 * consumer; otherwise it is left alone with a sentence saying why, and the exit code is 1.
 * Nothing else is touched. Run it with the apps stopped: a message published to a queue in the
 * instant between its deletion and its new declaration would be dropped by the broker.
 */
import 'reflect-metadata';
import {
  BaseEnv,
  InvalidEnvironmentError,
  QueueDeclarationError,
  declareServiceQueues,
  loadEnv,
  migrateQueues,
  rmqEndpoint,
  serviceQueueDeclarations,
} from '@shop/platform';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const appsFolder = join(__dirname, '..', 'apps');

/** Apps that consume a queue of their own: their entry point boots an RMQ service. */
function servicesInRepository(): string[] {
  return readdirSync(appsFolder).filter((app) => {
    const main = join(appsFolder, app, 'src', 'main.ts');
    return existsSync(main) && readFileSync(main, 'utf8').includes('bootstrapService(');
  });
}

const describeOutcome: Record<string, string> = {
  declared: 'declared (it did not exist)',
  'as-configured': 'already as configured',
  redeclared: 'was empty and unused: deleted and declared as configured',
};

async function main(): Promise<number> {
  const env = loadEnv(BaseEnv);
  const isCheck = process.argv.includes('--check');
  const requested = process.argv.slice(2).filter((argument) => argument !== '--check');
  const services = requested.length > 0 ? requested : servicesInRepository();
  if (isCheck) {
    for (const service of services)
      await declareServiceQueues(
        env.RABBITMQ_URL,
        serviceQueueDeclarations(rmqEndpoint(env, service)),
      );
    return 0;
  }
  const declarations = services.flatMap((service) => {
    const { deadLetterQueue, serviceQueue } = serviceQueueDeclarations(rmqEndpoint(env, service));
    return [deadLetterQueue, serviceQueue];
  });
  const outcomes = await migrateQueues(env.RABBITMQ_URL, declarations);
  const queueKind = `${env.RMQ_QUEUE_TYPE} queue`;
  for (const outcome of outcomes)
    process.stdout.write(
      outcome.outcome === 'refused'
        ? `[queues] ${outcome.queue}: not migrated to a ${queueKind}: ${outcome.reason}.\n`
        : `[queues] ${outcome.queue}: ${describeOutcome[outcome.outcome]} (${queueKind}).\n`,
    );
  return outcomes.some(({ outcome }) => outcome === 'refused') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof InvalidEnvironmentError || error instanceof QueueDeclarationError ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
