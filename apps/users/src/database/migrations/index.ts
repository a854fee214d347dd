import { CreateUsers1764028800000 } from './1764028800000-create-users';

/** Listed, not globbed: the webpack bundle has no migration files to find. */
export const usersMigrations = [CreateUsers1764028800000];
