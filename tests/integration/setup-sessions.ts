import { beforeAll } from 'vitest';
import { seedTestSessions } from './console-requests';
import { withControl } from './workers';

/** Every integration file starts with the it-<role> sessions present in the run's control DB. */
beforeAll(async () => {
  await withControl((client) => seedTestSessions(client));
});
