import path from 'node:path';
import pg from 'pg';
import type { FleetFile } from '@/lib/fleet/fleet-file';
import { applyMigrations } from './migrator';

export const CONTROL_MIGRATIONS_DIR = path.resolve('supabase/migrations');
export const SHARD_MIGRATIONS_DIR = path.resolve('supabase/shards/migrations');

/**
 * The control plane's shards follow the fleet file: a shard in the file is
 * registered (a retired one that is back in the file is active again; an
 * admin's 'draining' stays), and a shard no longer in the file is retired —
 * the planner ignores it and placement never picks it.
 */
const UPSERT_SHARD = `
  insert into shards (id, name)
  values ($1, $2)
  on conflict (id) do update
    set name = excluded.name,
        status = case when shards.status = 'retired' then 'active' else shards.status end`;

const RETIRE_SHARDS_NOT_IN_FLEET = `
  update shards
  set status = 'retired'
  where status <> 'retired'
    and not (id = any($1::text[]))
  returning id, (select count(*) from tenants t where t.shard_id = shards.id)::int as tenants`;

async function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface FleetMigrationReport {
  control: string[];
  shards: Record<string, string[]>;
}

/**
 * Migrates the control plane and every shard primary, then registers the
 * fleet file's shards in the control plane's `shards` table.
 */
export async function migrateFleet(fleet: FleetFile): Promise<FleetMigrationReport> {
  const control = await withClient(fleet.control.url, async (client) => {
    const applied = await applyMigrations(client, CONTROL_MIGRATIONS_DIR);
    for (const shard of fleet.shards) await client.query(UPSERT_SHARD, [shard.id, shard.name ?? shard.id]);
    const retired = await client.query<{ id: string; tenants: number }>(RETIRE_SHARDS_NOT_IN_FLEET, [fleet.shards.map((shard) => shard.id)]);
    for (const shard of retired.rows) {
      const stranded = shard.tenants > 0 ? `; ${shard.tenants} tenants still point at it and cannot be reached` : '';
      console.warn(`[migrate] shard ${shard.id} is not in the fleet file: marked retired${stranded}`);
    }
    return applied;
  });
  const shardReports = await Promise.all(
    fleet.shards.map(async (shard) => [shard.id, await withClient(shard.adminUrl, (client) => applyMigrations(client, SHARD_MIGRATIONS_DIR))] as const),
  );
  return { control, shards: Object.fromEntries(shardReports) };
}
