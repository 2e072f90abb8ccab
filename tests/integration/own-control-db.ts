import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { readFleetFile, type FleetFile } from '@/lib/fleet/fleet-file';
import { sampleShard } from '@/lib/history/sample-shard';
import { samplingSlot } from '@/lib/jobs/slots';
import { migrateFleet } from '@/lib/migrate/migrate-fleet';
import { seedTestSessions } from './console-requests';
import { fleetFilePath, sandboxDir } from './sandbox';

/**
 * A test file's own control database on the integration sandbox: the same
 * shards, Redis and nodes, but a directory of its own, so other files'
 * tenants never count in what the file measures (balance, placement). The
 * console code under test reads the fleet file named by SHARDSCOPE_FLEET_FILE,
 * so this writes one pointing at the database and sets the variable at import
 * time (before the code under test reads it); `drop()` undoes both.
 */
export interface OwnControlDb {
  fleet: FleetFile;
  /** Creates the database afresh and migrates it (and the shards, which are already migrated: a no-op). */
  create(): Promise<void>;
  /** Drops the database and restores SHARDSCOPE_FLEET_FILE. */
  drop(): Promise<void>;
  withControl<T>(work: (client: pg.Client) => Promise<T>): Promise<T>;
  /** One sampling round of every shard at the current slot, as the worker does: the shards' numbers are fresh. */
  sampleFleet(): Promise<void>;
}

export async function withDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function ownControlDb(database: string): OwnControlDb {
  const sandboxFleet = readFleetFile(fleetFilePath);
  const fleet: FleetFile = {
    ...sandboxFleet,
    control: { ...sandboxFleet.control, url: sandboxFleet.control.url.replace(/\/[^/?]+(\?|$)/, `/${database}$1`) },
  };
  const fleetFile = path.join(sandboxDir, `fleet-${database}.json`);
  writeFileSync(fleetFile, JSON.stringify(fleet, null, 2), { mode: 0o600 });
  const previousFleetFile = process.env.SHARDSCOPE_FLEET_FILE;
  process.env.SHARDSCOPE_FLEET_FILE = fleetFile;
  const sampleIntervalS = Number(process.env.SHARDSCOPE_SAMPLE_INTERVAL_S);

  return {
    fleet,
    async create() {
      await withDatabase(sandboxFleet.control.url, async (client) => {
        await client.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
        await client.query(`create database ${pg.escapeIdentifier(database)}`);
      });
      await migrateFleet(fleet);
      await withDatabase(fleet.control.url, seedTestSessions);
    },
    async drop() {
      await withDatabase(sandboxFleet.control.url, (client) => client.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`));
      if (previousFleetFile === undefined) delete process.env.SHARDSCOPE_FLEET_FILE;
      else process.env.SHARDSCOPE_FLEET_FILE = previousFleetFile;
    },
    withControl: (work) => withDatabase(fleet.control.url, work),
    async sampleFleet() {
      const at = samplingSlot(new Date(), sampleIntervalS);
      for (const shard of fleet.shards) await sampleShard(shard, at, null);
    },
  };
}
