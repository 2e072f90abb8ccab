import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { withControlTransaction } from '@/lib/control/db';
import { SETTABLE_SHARD_STATUSES, type ShardStatus, type ShardStatusChange } from './rebalance-model';

/**
 * PATCH /api/shards/:id {status}: an admin marks a shard draining (placement
 * stops choosing it, plans only take tenants off it) or active again.
 * 'retired' comes from the fleet file, never from here, and a retired shard
 * stays retired.
 */

export const shardStatusRequestSchema = z
  .object({
    status: z.enum(SETTABLE_SHARD_STATUSES),
  })
  .strict();

export type ShardStatusRequest = z.infer<typeof shardStatusRequestSchema>;

/** Locks the shard row: a concurrent placement on it (which takes it FOR SHARE) waits, so no tenant lands on a shard as it turns draining. */
const LOCK_SHARD_SQL = `
  select status
  from shards
  where id = $1
  for update`;

const SET_SHARD_STATUS_SQL = `
  update shards
  set status = $2
  where id = $1`;

/** Sets the status and writes the audit row in one control transaction: both commit or neither. */
export async function setShardStatus(shardId: string, request: ShardStatusRequest, actor: Session): Promise<ShardStatusChange> {
  return withControlTransaction(async (client) => {
    const { rows } = await client.query<{ status: ShardStatus }>(LOCK_SHARD_SQL, [shardId]);
    if (rows.length === 0) throw new ApiError('not_found', `no shard "${shardId}"`, 'shardId');
    const previousStatus = rows[0].status;
    if (previousStatus === 'retired') {
      throw new ApiError('conflict', `shard ${shardId} is retired: a retired shard's status cannot be changed`, 'status');
    }
    await client.query(SET_SHARD_STATUS_SQL, [shardId, request.status]);
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'shard.status',
      target: `shard ${shardId}`,
      result: 'ok',
      detail: { before: previousStatus, after: request.status },
    });
    return { shardId, status: request.status, previousStatus };
  });
}
