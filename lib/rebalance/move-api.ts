import type pg from 'pg';
import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { writeAudit, writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { findShard } from '@/lib/fleet/topology';
import { checkMoveCapacity } from './move-capacity';
import { compareTenantCatalogs } from './move-catalog';
import { cancellable, MOVE_STRATEGIES, type MovePhase, type MoveStatus, type MoveStrategy } from './move-model';
import { createMove, MoveRefusedError, requestCancel } from './move-store';

/**
 * The moves API (POST /api/tenants/:id/move, GET /api/moves/:id,
 * POST /api/moves/:id/cancel): request schemas, rows → TenantMove, starting
 * and cancelling a move with its audit row in the same transaction. Runs of a
 * plan: move-runs.ts. The worker starts queued moves (move-sweep.ts).
 */

const shardIdShape = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a shard id (lowercase letters, digits and dashes)');
export const confirmShape = z.literal(true, { error: 'must be true: moving a tenant needs an explicit confirmation' });

/** `confirm` first: a request without it is refused for that, whatever else it holds. */
export const moveRequestSchema = z
  .object({
    confirm: confirmShape,
    targetShardId: shardIdShape,
    strategy: z.enum(MOVE_STRATEGIES).default('logical'),
  })
  .strict();
export type MoveRequestBody = z.infer<typeof moveRequestSchema>;

const UUID = z.uuid();
/** A path id that is not a uuid names nothing: 404, never a driver error. */
export function requireUuid(id: string, what: string): string {
  if (!UUID.safeParse(id).success) throw new ApiError('not_found', `no ${what} ${id}`);
  return id.toLowerCase();
}

const LOCK_MOVE_SQL = `select id, tenant_id, strategy, phase, status, target_shard_id from tenant_moves where id = $1 for update`;
const TARGET_STATUS_SQL = `select status from shards where id = $1`;

/** A move never started (queued, no job has run it): cancelled on the spot, nothing exists on the shards yet. */
const CANCEL_QUEUED_SQL = `
  update tenant_moves
  set status = 'cancelled', phase = 'finished', phase_started_at = now(), finished_at = now(),
      cancel_requested_at = coalesce(cancel_requested_at, now()), cancel_requested_by = coalesce(cancel_requested_by, $2)
  where id = $1 and status = 'queued'
  returning id`;

/** createMove's refusals as the API's: an unknown tenant is a 404, anything else a 409 with the reason. */
export function refusalAsApiError(error: unknown, prefix = ''): unknown {
  if (!(error instanceof MoveRefusedError)) return error;
  return new ApiError(error.reason === 'tenant_not_found' ? 'not_found' : 'conflict', `${prefix}${error.message}`);
}

/** A target must take new tenants: draining or retired shards are refused. Unknown shards are createMove's refusal. */
export async function requireActiveTarget(db: Pick<pg.ClientBase, 'query'>, shardId: string, prefix = ''): Promise<void> {
  const status = (await db.query<{ status: string }>(TARGET_STATUS_SQL, [shardId])).rows[0]?.status;
  if (status !== undefined && status !== 'active') throw new ApiError('conflict', `${prefix}shard ${shardId} is ${status}: it takes no tenants`);
}

const TENANT_SHARD_SQL = `select shard_id from tenants where id = $1`;

/**
 * What prepare would refuse, read before the transaction that creates the
 * move, so that such a move is a 409 with the reason and nothing is created:
 * the same tenant tables (columns, keys) on both shards (move-catalog.ts;
 * the public tables, which a schema-layout tenant's schema on the target is
 * made from) and, for the logical strategy, room on both for one more
 * subscription (move-capacity.ts; the copy strategy uses no replication
 * objects). Either strategy copies into the target's tables, so both need
 * the tables to match.
 * An unknown tenant or shard is left to createMove's refusals.
 */
export async function requireMoveReadiness(tenantId: string, targetShardId: string, strategy: MoveStrategy, prefix = ''): Promise<void> {
  const sourceShardId = (await getControlPool().query<{ shard_id: string }>(TENANT_SHARD_SQL, [tenantId])).rows[0]?.shard_id;
  const source = sourceShardId === undefined ? undefined : findShard(sourceShardId);
  const target = findShard(targetShardId);
  if (!source || !target || source.id === target.id) return;
  const [catalogs, noRoom] = await Promise.all([compareTenantCatalogs(source, target, null), strategy === 'logical' ? checkMoveCapacity(source, target) : null]).catch((error: unknown) => {
    throw new ApiError('unavailable', `${prefix}cannot read the tenant tables and replication capacity of ${source.id} and ${target.id}: ${(error as Error).message}`);
  });
  const reasons = [
    ...(catalogs.equal ? [] : [`the tenant tables differ between ${source.id} and ${target.id}: ${catalogs.differences.join('; ')}`]),
    ...(noRoom ? [noRoom] : []),
  ];
  if (reasons.length > 0) throw new ApiError('conflict', `${prefix}${reasons.join('. ')}`);
}

/** A refusal changes nothing but is worth seeing in the audit (best effort, after the rollback). */
async function auditRefusal(actor: Session, action: string, target: string, error: unknown): Promise<void> {
  if (!(error instanceof ApiError) || error.status === 400) return;
  await writeAudit({ actor: actor.user, actorRole: actor.role, action, target, result: 'refused', detail: { reason: error.message } }).catch(
    (auditError: unknown) => console.warn('[moves] refusal not audited:', (auditError as Error).message),
  );
}

/** POST /api/tenants/:id/move: a queued move (the worker starts it), audited with it. */
export async function startTenantMove(tenantIdParam: string, body: MoveRequestBody, actor: Session): Promise<{ moveId: string }> {
  const tenantId = requireUuid(tenantIdParam, 'tenant');
  try {
    await requireMoveReadiness(tenantId, body.targetShardId, body.strategy);
    return await withControlTransaction(async (client) => {
      await requireActiveTarget(client, body.targetShardId);
      const moveId = await createMove(tenantId, body.targetShardId, actor.user, { strategy: body.strategy }, client).catch((error: unknown) => {
        throw refusalAsApiError(error);
      });
      const { rows } = await client.query<{ source_shard_id: string }>(`select source_shard_id from tenant_moves where id = $1`, [moveId]);
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'move.start',
        target: `tenant ${tenantId}`,
        result: 'ok',
        detail: { moveId, from: rows[0].source_shard_id, to: body.targetShardId, strategy: body.strategy },
      });
      return { moveId };
    });
  } catch (error) {
    await auditRefusal(actor, 'move.start', `tenant ${tenantId}`, error);
    throw error;
  }
}

export interface CancelOutcome {
  moveId: string;
  /** 'cancelled': it had not started; 'requested': the runner rolls it back at its next checkpoint. */
  outcome: 'cancelled' | 'requested';
}

/** POST /api/moves/:id/cancel: before the switch only; afterwards the tenant lives on the target and a move back is a new move. */
export async function cancelTenantMove(moveIdParam: string, actor: Session): Promise<CancelOutcome> {
  const moveId = requireUuid(moveIdParam, 'move');
  try {
    return await withControlTransaction(async (client) => {
      const move = (await client.query<{ tenant_id: string; strategy: MoveStrategy; phase: MovePhase; status: MoveStatus; target_shard_id: string }>(LOCK_MOVE_SQL, [moveId])).rows[0];
      if (!move) throw new ApiError('not_found', `no move ${moveId}`);
      if (move.status !== 'queued' && move.status !== 'running') {
        throw new ApiError('conflict', `move ${moveId} is already ${move.status.replace('_', ' ')}: nothing to cancel (to move the tenant back, start a new move)`);
      }
      if (move.status === 'running' && !cancellable(move.strategy, move.phase)) {
        throw new ApiError('conflict', `move ${moveId} is past the switch (${move.phase}): the tenant now lives on ${move.target_shard_id}; a move back is a new move`);
      }
      const cancelledNow = ((await client.query(CANCEL_QUEUED_SQL, [moveId, actor.user])).rowCount ?? 0) > 0;
      if (!cancelledNow) await requestCancel(moveId, actor.user, client);
      const outcome = cancelledNow ? 'cancelled' : 'requested';
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'move.cancel',
        target: `tenant ${move.tenant_id}`,
        result: 'ok',
        detail: { moveId, phase: move.phase, outcome },
      });
      return { moveId, outcome };
    });
  } catch (error) {
    await auditRefusal(actor, 'move.cancel', `move ${moveId}`, error);
    throw error;
  }
}
