/**
 * The apps of apps.json, typed, for TypeScript readers: the test harness, new:service and the
 * spec that checks the files which cannot read the list themselves.
 */
import list from '../../apps.json';

export type AppKind = 'gateway' | 'service';
export type DatabaseKind = 'postgres' | 'mongo';

export interface AppDatabase {
  kind: DatabaseKind;
  /** The database's name where it is deployed; test runs add a suffix of their own. */
  name: string;
  /** The variable that holds its URL: `<NAME>_DATABASE_URL`, or the shared `MONGO_URL`. */
  urlVariable: string;
  /** The variable that holds its name when the URL names none (MongoDB: `<NAME>_MONGO_DB`). */
  nameVariable?: string;
}

export interface AppDefinition {
  /** Folder under apps/, Nest CLI project, queue, image, compose service and chart entry. */
  name: string;
  /** A gateway takes HTTP traffic from outside; a service consumes its queue. */
  kind: AppKind;
  /** The variable of its HTTP port (the API of a gateway; /health and /metrics of a service). */
  httpPortVariable: string;
  /** That port's default, also in the app's env class. */
  httpPort: number;
  /** Absent: the app owns no data. */
  database?: AppDatabase;
  /** Prefix colour of its log lines under `npm start` (a colour of concurrently). */
  logColour: string;
}

export const apps: readonly AppDefinition[] = list.apps as AppDefinition[];

/** The apps that consume a queue of their own. */
export const services: readonly AppDefinition[] = apps.filter(({ kind }) => kind === 'service');

export function appNamed(name: string): AppDefinition {
  const app = apps.find((candidate) => candidate.name === name);
  if (!app) throw new Error(`"${name}" is not an app of apps.json`);
  return app;
}
