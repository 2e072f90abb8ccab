import { inTransaction } from '@/lib/control/db';
import pg from 'pg';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { withShardOwnerClient } from '@/lib/fleet/shard-owner';
import { TENANT_TABLES, assertSchemaName, createTenantSchema } from '@/lib/tenants/tenant-schema';
import { REPLICATION_OBJECT_PREFIX, replicationObjectNames } from './move-model';
import {
  DROP_SLOT_SQL,
  PREFIXED_PUBLICATIONS_SQL,
  PREFIXED_SLOTS_SQL,
  PREFIXED_SUBSCRIPTIONS_SQL,
  PUBLICATION_EXISTS_SQL,
  SLOTS_SQL,
  SUBSCRIPTION_SQL,
  SUBSCRIPTION_WORKERS_SQL,
  SYSTEM_IDENTIFIER_SQL,
  TERMINATE_BACKEND_SQL,
} from './move-replication-sql';

/**
 * A move's logical replication objects: the publication on the source (the
 * tenant's rows only), the subscription on the target and its slot on the
 * source. Every function checks what exists before acting, so a resumed move
 * (or the janitor) can call it again after a crash at any point.
 */

export const MOVE_APPLICATION_NAME = 'shardscope move';

/** DDL on a live shard waits this long for a lock, then fails (and is retried) instead of queueing the apps' writes behind it. */
const MOVE_LOCK_TIMEOUT_MS = 5_000;
/** CREATE SUBSCRIPTION connects back to the source and creates the slot there (waits for running transactions to finish). */
const MOVE_STATEMENT_TIMEOUT_MS = 60_000;
/** How long a drop waits for a slot's walsender or a subscription's workers to exit before ending them. */
const SLOT_RELEASE_GRACE_MS = 2_000;
const SLOT_RELEASE_TIMEOUT_MS = 15_000;
const POLL_MS = 100;

/** Lowercase canonical uuid only: it is pasted into a publication's row filter as a literal. */
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertTenantId(tenantId: string): string {
  if (!TENANT_ID.test(tenantId)) throw new Error(`not a tenant id: "${tenantId}"`);
  return tenantId;
}

/** One owner connection to the shard's primary for the length of `work`. */
export function withShardOwner<T>(shard: ShardConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withShardOwnerClient(shard, { statementTimeoutMs: MOVE_STATEMENT_TIMEOUT_MS, lockTimeoutMs: MOVE_LOCK_TIMEOUT_MS, applicationName: MOVE_APPLICATION_NAME }, work);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The schema-layout tenant's schema and tables on the target, from the same
 * templates as on the source (one transaction; idempotent). Must exist before
 * the subscription: logical replication copies rows, not DDL.
 */
export async function createTargetSchema(target: ShardConfig, schemaName: string): Promise<void> {
  await withShardOwner(target, (client) => inTransaction(client, () => createTenantSchema(client, schemaName)));
}

/**
 * The statement publishing one tenant's rows. Shared layout: every tenant
 * table with a row filter on tenant_id (a filter cannot take parameters, so
 * the validated id is quoted as a literal; tenant_id leads every primary key,
 * the default replica identity, so updates and deletes still replicate), and
 * without TRUNCATE (a row filter does not apply to it: a truncate of a shared
 * table would empty every tenant's rows on the target). Schema layout: the
 * tenant's schema, TRUNCATE included.
 */
export function publicationStatement(moveId: string, tenantId: string, schemaName: string | null): string {
  const { publication } = replicationObjectNames(moveId);
  if (schemaName !== null) {
    return `create publication ${publication} for tables in schema ${pg.escapeIdentifier(assertSchemaName(schemaName))}`;
  }
  const literal = pg.escapeLiteral(assertTenantId(tenantId));
  const tables = TENANT_TABLES.map((table) => `public.${pg.escapeIdentifier(table)} where (tenant_id = ${literal}::uuid)`);
  return `create publication ${publication} for table ${tables.join(', ')} with (publish = 'insert, update, delete')`;
}

/** The publication of the tenant's rows on the source; nothing when it exists already. */
export async function createPublication(source: ShardConfig, moveId: string, tenantId: string, schemaName: string | null): Promise<void> {
  const statement = publicationStatement(moveId, tenantId, schemaName);
  const { publication } = replicationObjectNames(moveId);
  await withShardOwner(source, async (client) => {
    if ((await client.query(PUBLICATION_EXISTS_SQL, [publication])).rowCount) return;
    await client.query(statement);
  });
}

/**
 * The subscription on the target, copying the tenant's rows and then
 * streaming its changes; its slot is created on the source under the same
 * name. A slot left on the source without a subscription (a crash inside
 * CREATE SUBSCRIPTION) is dropped first. Not in a transaction block: the
 * statement connects to the source to create the slot. The apply worker
 * commits with synchronous_commit = local rather than the subscription
 * default off: it reports a change flushed (drain waits for that) only once
 * its commit is on disk, and off leaves that to the WAL writer's next cycle.
 */
export async function createSubscription(target: ShardConfig, source: ShardConfig, moveId: string): Promise<void> {
  const names = replicationObjectNames(moveId);
  const exists = await withShardOwner(target, async (client) => (await client.query(SUBSCRIPTION_SQL, [names.subscription])).rowCount! > 0);
  if (exists) return;
  await withShardOwner(source, (client) => dropSlots(client, names.slot, null));
  await withShardOwner(target, async (client) => {
    await client.query(
      `create subscription ${names.subscription}
       connection ${pg.escapeLiteral(source.adminUrl)}
       publication ${names.publication}
       with (copy_data = true, create_slot = true, slot_name = ${names.slot}, synchronous_commit = 'local')`,
    );
  });
}

/**
 * Drops the named slot and, given a subscription oid, that subscription's
 * table-sync slots. A slot still held by a walsender is waited for briefly,
 * then its walsender is ended (its subscription is disabled or gone).
 */
async function dropSlots(client: pg.Client, slotName: string, subscriptionOid: string | null): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { rows } = await client.query<{ slot_name: string; active: boolean; active_pid: number | null }>(SLOTS_SQL, [slotName, subscriptionOid]);
    if (rows.length === 0) return;
    for (const slot of rows) {
      if (slot.active) {
        if (Date.now() - started > SLOT_RELEASE_TIMEOUT_MS) throw new Error(`replication slot ${slot.slot_name} is still in use by process ${slot.active_pid}`);
        if (Date.now() - started > SLOT_RELEASE_GRACE_MS && slot.active_pid !== null) await client.query(TERMINATE_BACKEND_SQL, [slot.active_pid]);
        continue;
      }
      try {
        await client.query(DROP_SLOT_SQL, [slot.slot_name]);
      } catch (error) {
        // 42704: dropped meanwhile (its table finished syncing); 55006: a walsender took it again, seen on the next pass.
        const code = (error as { code?: string }).code;
        if (code !== '42704' && code !== '55006') throw error;
      }
    }
    await sleep(POLL_MS);
  }
}

/** Ends the subscription's apply and table-sync workers on the target (it is disabled, so the launcher starts none again). */
async function stopSubscriptionWorkers(client: pg.Client, subscriptionOid: string, subscription: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { rows } = await client.query<{ pid: number }>(SUBSCRIPTION_WORKERS_SQL, [subscriptionOid]);
    if (rows.length === 0) return;
    if (Date.now() - started > SLOT_RELEASE_TIMEOUT_MS) throw new Error(`subscription ${subscription} still has running workers after it was disabled`);
    if (Date.now() - started > SLOT_RELEASE_GRACE_MS) for (const { pid } of rows) await client.query(TERMINATE_BACKEND_SQL, [pid]);
    await sleep(POLL_MS);
  }
}

/**
 * Removes every replication object of a move: the subscription on the target
 * (disabled and its workers stopped first, so nothing recreates a slot), the
 * slot and any table-sync slots on the source, then the subscription itself
 * (detached from its slot, so the drop needs no connection to the source) and
 * the publication. Each step checks what still exists: safe after a crash at
 * any point, and for the janitor. The subscription is dropped only after the
 * source's slots, because its oid names the table-sync slots.
 */
export async function dropReplicationObjects(source: ShardConfig, target: ShardConfig, moveId: string): Promise<void> {
  const names = replicationObjectNames(moveId);
  const subscription = await withShardOwner(target, async (client) => {
    const found = (await client.query<{ oid: string; enabled: boolean }>(SUBSCRIPTION_SQL, [names.subscription])).rows[0];
    if (!found) return null;
    if (found.enabled) await client.query(`alter subscription ${names.subscription} disable`);
    await stopSubscriptionWorkers(client, found.oid, names.subscription);
    return found;
  });
  await withShardOwner(source, (client) => dropSlots(client, names.slot, subscription?.oid ?? null));
  if (subscription) {
    await withShardOwner(target, async (client) => {
      if (!(await client.query(SUBSCRIPTION_SQL, [names.subscription])).rowCount) return;
      await client.query(`alter subscription ${names.subscription} set (slot_name = none)`);
      await client.query(`drop subscription if exists ${names.subscription}`);
    });
  }
  await withShardOwner(source, async (client) => {
    await client.query(`drop publication if exists ${names.publication}`);
  });
}

export interface TableSyncSlot {
  name: string;
  active: boolean;
  /** The subscription (on the cluster with that system identifier) whose initial copy created the slot. */
  subscriptionOid: string;
  subscriberSystemIdentifier: string;
}

export interface ShardscopeReplicationObjects {
  shardId: string;
  /** This primary's system identifier: table-sync slots on other shards name it. */
  systemIdentifier: string;
  subscriptions: { name: string; oid: string; enabled: boolean; slotName: string | null }[];
  publications: string[];
  slots: { name: string; active: boolean }[];
  /** Every table-sync slot on this primary, Shardscope's or not: match them with listed subscriptions before dropping any. */
  tableSyncSlots: TableSyncSlot[];
}

/** Shardscope's replication objects on a shard's primary (names with REPLICATION_OBJECT_PREFIX): the janitor compares them with live moves. */
export async function listShardscopeReplicationObjects(shard: ShardConfig): Promise<ShardscopeReplicationObjects> {
  return withShardOwner(shard, async (client) => {
    const systemIdentifier = (await client.query(SYSTEM_IDENTIFIER_SQL)).rows[0].system_identifier as string;
    const subscriptions = (await client.query(PREFIXED_SUBSCRIPTIONS_SQL, [REPLICATION_OBJECT_PREFIX])).rows.map((row) => ({
      name: row.name as string,
      oid: row.oid as string,
      enabled: row.enabled as boolean,
      slotName: row.slot_name as string | null,
    }));
    const publications = (await client.query(PREFIXED_PUBLICATIONS_SQL, [REPLICATION_OBJECT_PREFIX])).rows.map((row) => row.name as string);
    const slots: ShardscopeReplicationObjects['slots'] = [];
    const tableSyncSlots: TableSyncSlot[] = [];
    for (const row of (await client.query<{ name: string; active: boolean }>(PREFIXED_SLOTS_SQL, [REPLICATION_OBJECT_PREFIX])).rows) {
      const sync = /^pg_([0-9]+)_sync_[0-9]+_([0-9]+)$/.exec(row.name);
      if (sync) tableSyncSlots.push({ name: row.name, active: row.active, subscriptionOid: sync[1], subscriberSystemIdentifier: sync[2] });
      else slots.push({ name: row.name, active: row.active });
    }
    return { shardId: shard.id, systemIdentifier, subscriptions, publications, slots, tableSyncSlots };
  });
}
