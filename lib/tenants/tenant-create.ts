import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getControlPool, inTransaction, withControlTransaction } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { withShardOwnerClient } from '@/lib/fleet/shard-owner';
import { CONSOLE_APPLICATION_NAME, describeNodeError } from '@/lib/fleet/node-pools';
import { findShard } from '@/lib/fleet/topology';
import { WINDOW_SECONDS, loadBalanceData } from '@/lib/rebalance/balance-data';
import { DEFAULT_BALANCE_WINDOW } from '@/lib/rebalance/balance-url-view';
import { assertPlaceableShard, placeNewTenant } from '@/lib/rebalance/placement';
import { asApiError } from '@/lib/rebalance/rebalance-plan';
import { DEFAULT_DIMENSION, type CreatedTenant, type PlacementDecision } from '@/lib/rebalance/rebalance-model';
import { summarizeShards } from '@/lib/rebalance/weights';
import { TENANT_LAYOUTS, TIERS } from './tenant-model';
import { createTenantSchema, dropTenantSchema, tenantSchemaName } from './tenant-schema';

/**
 * POST /api/tenants (admin): a new tenant, placed on the least-loaded active
 * shard by the placement rule (lib/rebalance/placement.ts) unless the admin
 * names one, never on a draining or retired shard.
 *
 * Nothing is left half-made: the tenant's schema (schema layout) is created
 * on the shard first, in one shard transaction; then the directory row and
 * its audit row commit together in one control transaction; if that fails,
 * the schema is dropped again. Until the directory row commits no app can
 * route to the tenant, so an empty schema for a moment is harmless.
 */

export const tenantCreateRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
    tier: z.enum(TIERS),
    layout: z.enum(TENANT_LAYOUTS).default('shared'),
    shardId: z.string().min(1).max(63).optional(),
  })
  .strict();

export type TenantCreateRequest = z.infer<typeof tenantCreateRequestSchema>;

/** Creating a schema takes a few statements; a shard that takes longer than this is not one to put a tenant on now. */
const SCHEMA_DDL_TIMEOUT_MS = 15_000;
/** Never queue behind a long lock (a move's ALTER, a migration): fail and let the admin retry. */
const SCHEMA_LOCK_TIMEOUT_MS = 5_000;

const NAME_TAKEN_SQL = `
  select 1
  from tenants
  where name = $1`;

/**
 * Takes the shard row FOR SHARE: a concurrent PATCH to draining (FOR UPDATE)
 * waits for this insert or goes first, so no tenant lands on a shard in the
 * moment it turns draining.
 */
const LOCK_SHARD_FOR_PLACEMENT_SQL = `
  select status
  from shards
  where id = $1
  for share`;

const INSERT_TENANT_SQL = `
  insert into tenants (id, name, tier, shard_id, layout, schema_name)
  values ($1, $2, $3, $4, $5, $6)`;

const UNIQUE_VIOLATION = '23505';
const TENANT_NAME_CONSTRAINT = 'tenants_name_key';

function nameTaken(name: string): ApiError {
  return new ApiError('conflict', `name: a tenant named "${name}" already exists`, 'name');
}

/** The shard for the new tenant: the admin's (if placeable) or the placement rule's, from the current shard totals. */
async function decidePlacement(requestedShardId: string | undefined): Promise<PlacementDecision> {
  const { tenants, shards } = await loadBalanceData({ windowSeconds: WINDOW_SECONDS[DEFAULT_BALANCE_WINDOW], withTrends: false });
  const totals = summarizeShards(tenants, shards, DEFAULT_DIMENSION);
  try {
    if (requestedShardId === undefined) return placeNewTenant(totals, DEFAULT_DIMENSION);
    assertPlaceableShard(totals, requestedShardId);
  } catch (error) {
    throw asApiError(error);
  }
  return {
    shardId: requestedShardId,
    chosenBy: 'requested',
    dimension: DEFAULT_DIMENSION,
    reason: `${requestedShardId} was requested`,
  };
}

function withShardOwner<T>(shard: ShardConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withShardOwnerClient(shard, { statementTimeoutMs: SCHEMA_DDL_TIMEOUT_MS, lockTimeoutMs: SCHEMA_LOCK_TIMEOUT_MS, applicationName: CONSOLE_APPLICATION_NAME }, work);
}

/** The tenant's schema and tables on its shard, all in one shard transaction (DDL is transactional in Postgres). */
async function createSchemaOnShard(shard: ShardConfig, schemaName: string): Promise<void> {
  try {
    await withShardOwner(shard, (client) => inTransaction(client, () => createTenantSchema(client, schemaName)));
  } catch (error) {
    throw new ApiError('unavailable', `shard ${shard.id} did not create the tenant's schema: ${describeNodeError(error)}`);
  }
}

/** Undo of createSchemaOnShard when the directory row did not commit; a failure here is logged with the name to drop by hand. */
async function dropSchemaOnShard(shard: ShardConfig, schemaName: string): Promise<void> {
  try {
    await withShardOwner(shard, (client) => dropTenantSchema(client, schemaName));
  } catch (error) {
    console.error(`[tenants] schema ${schemaName} on ${shard.id} is left without a tenant; drop it: ${describeNodeError(error)}`);
  }
}

export async function createTenant(request: TenantCreateRequest, actor: Session): Promise<CreatedTenant> {
  const { name, tier, layout } = request;
  if ((await getControlPool().query(NAME_TAKEN_SQL, [name])).rowCount) throw nameTaken(name);

  const placement = await decidePlacement(request.shardId);
  const shard = findShard(placement.shardId);
  if (!shard) throw new ApiError('bad_request', `shardId: shard "${placement.shardId}" is not in the fleet file`, 'shardId');

  const tenantId = randomUUID();
  const schemaName = layout === 'schema' ? tenantSchemaName(tenantId) : null;
  if (schemaName) await createSchemaOnShard(shard, schemaName);

  try {
    await withControlTransaction(async (client) => {
      const { rows } = await client.query<{ status: string }>(LOCK_SHARD_FOR_PLACEMENT_SQL, [shard.id]);
      if (rows[0]?.status !== 'active') {
        throw new ApiError('bad_request', `shardId: shard ${shard.id} is ${rows[0]?.status ?? 'not registered'}: new tenants go to active shards only`, 'shardId');
      }
      await client.query(INSERT_TENANT_SQL, [tenantId, name, tier, shard.id, layout, schemaName]);
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'tenant.create',
        target: `tenant ${tenantId}`,
        result: 'ok',
        detail: { name, tier, layout, schemaName, shardId: shard.id, placement },
      });
    });
  } catch (error) {
    if (schemaName) await dropSchemaOnShard(shard, schemaName);
    const pgError = error as { code?: string; constraint?: string };
    if (pgError.code === UNIQUE_VIOLATION && pgError.constraint === TENANT_NAME_CONSTRAINT) throw nameTaken(name);
    throw error;
  }

  return { tenantId, name, tier, layout, schemaName, shardId: shard.id, placement };
}
