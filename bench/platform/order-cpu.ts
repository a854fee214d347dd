import type { Classifier, cpuBetween } from './cpu-sampler';

/** Where the processes that serve a placed order are, to tell them from everyone else's. */
export interface OrderPath {
  /** Our apps' PostgreSQL databases (users, payments): their backends serve this platform only. */
  databaseUrls: string[];
  /** The MongoDB server the orders service uses, and FerretDB's own PostgreSQL database. */
  mongoUrl: string;
  ferretdbPostgresUrl: string;
}

const databaseOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

/**
 * Sorts the processes that work for an order (beside the apps, which the bench's main
 * classifier knows): PostgreSQL backends by the database they are connected to (their process
 * title says which), and FerretDB by the address it listens on. So the report can say what the
 * store costs per order even while others use the machine; FerretDB and its database still
 * serve every client of that FerretDB (a FerretDB of the bench's own makes them ours alone).
 */
export function orderPathClassifier(path: OrderPath): Classifier {
  const appDatabases = new Set(path.databaseUrls.map(databaseOf));
  const storeDatabase = databaseOf(path.ferretdbPostgresUrl);
  const mongoPort = new URL(path.mongoUrl).port || '27017';
  const listensThere = new RegExp(`--listen-addr=\\S*:${mongoPort}(\\s|$)`);
  return (_pid, { comm, cmdline }) => {
    if (comm.startsWith('postgres')) {
      // "postgres: 15/main: <user> <database> <client> <state>"
      const database = /^postgres: [^:]+: \S+ (\S+) /.exec(cmdline)?.[1];
      if (database && appDatabases.has(database)) return 'postgres: users+payments';
      if (database === storeDatabase) return 'postgres: FerretDB';
      return undefined;
    }
    if (comm.startsWith('ferretdb') && listensThere.test(cmdline)) return 'ferretdb';
    return undefined;
  };
}

/** One report line: CPU per order of the store and the apps' databases, in ms. */
export function orderPathLine(
  cpu: ReturnType<typeof cpuBetween>,
  orders: number,
  appsMsPerOrder: number,
): string {
  const perOrder = (group: string) =>
    (((cpu.byGroup[group] ?? 0) / 100) * cpu.seconds * 1000) / orders;
  const store = perOrder('ferretdb') + perOrder('postgres: FerretDB');
  const databases = perOrder('postgres: users+payments');
  const fmt = (value: number) => value.toFixed(1);
  return (
    `- CPU per order of the processes on its path, ms: apps ${fmt(appsMsPerOrder)}, ` +
    `PostgreSQL backends of the users and payments databases ${fmt(databases)}, ` +
    `the store ${fmt(store)} (FerretDB at MONGO_URL ${fmt(perOrder('ferretdb'))} + PostgreSQL ` +
    `backends of its database ${fmt(perOrder('postgres: FerretDB'))}; both serve every client ` +
    `of that FerretDB): ${fmt(appsMsPerOrder + databases + store)} in all, RabbitMQ not counted ` +
    `(one process for everyone)`
  );
}
