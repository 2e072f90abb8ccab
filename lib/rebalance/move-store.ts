import type pg from 'pg';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import type { MovePhase, MoveStatus, MoveStrategy, TableVerification } from './move-model';

/**
 * tenant_moves on the control DB: creating a move (with the reasons one is
 * refused), loading it, checkpointing its phase before the phase acts, and
 * finishing it. The move runner (move-runner.ts) is the only writer of a
 * running move; the API only creates moves and requests cancels.
 */

export interface MoveRow {
  id: string;
  runId: string | null;
  tenantId: string;
  sourceShardId: string;
  targetShardId: string;
  strategy: MoveStrategy;
  phase: MovePhase;
  status: MoveStatus;
  checkpoint: MoveCheckpoint;
  bytesTotal: number | null;
  bytesCopied: number;
  rowsCopied: number;
  fenceLsn: string | null;
  fencedAt: Date | null;
  switchedAt: Date | null;
  writeBlockMs: number | null;
  verification: TableVerification[] | null;
  error: string | null;
  attempts: number;
  cancelRequestedAt: Date | null;
  /** The tenant's layout (from the directory): the schema a schema-layout tenant lives in, null for shared. */
  schemaName: string | null;
}

/** What a resumed move needs to check real state before acting again. JSON-safe. */
export interface MoveCheckpoint {
  /** The phase rollback was entered from, and why (kept for the error text). */
  rollbackFrom?: MovePhase;
  /** Drain gave up waiting this many times (each time the fence was lifted and catch-up ran again). */
  drainRetries?: number;
  /** Prepare's checks passed: the tenant's rows on the target are the move's (rollback removes them). */
  targetClaimed?: boolean;
  /** Verification progress (lib/rebalance/move-verify.ts TenantVerifyProgress). */
  verify?: unknown;
  [key: string]: unknown;
}

/** A move the directory or the live moves refuse, with the reason in the operator's words. */
export class MoveRefusedError extends Error {
  constructor(
    readonly reason: 'tenant_not_found' | 'pinned' | 'same_shard' | 'not_active' | 'live_move' | 'unknown_shard',
    message: string,
  ) {
    super(message);
    this.name = 'MoveRefusedError';
  }
}

const LOCK_TENANT_SQL = `
  select id, shard_id, status, pinned
  from tenants
  where id = $1
  for update`;

const SHARD_EXISTS_SQL = `select 1 from shards where id = $1`;

const LIVE_MOVE_SQL = `
  select id
  from tenant_moves
  where tenant_id = $1
    and status in ('queued', 'running')`;

const INSERT_MOVE_SQL = `
  insert into tenant_moves (run_id, tenant_id, source_shard_id, target_shard_id, strategy, started_by)
  values ($1, $2, $3, $4, $5, $6)
  returning id`;

const SELECT_MOVE_SQL = `
  select m.*, t.schema_name
  from tenant_moves m
  join tenants t on t.id = m.tenant_id
  where m.id = $1`;

/** The phase and its start time; the checkpoint and progress fields only when given. */
const CHECKPOINT_SQL = `
  update tenant_moves
  set phase = $2,
      phase_started_at = case when phase = $2 then phase_started_at else now() end,
      checkpoint = coalesce($3::jsonb, checkpoint),
      bytes_total = coalesce($4, bytes_total),
      bytes_copied = coalesce($5, bytes_copied),
      rows_copied = coalesce($6, rows_copied),
      verification = coalesce($7::jsonb, verification),
      error = coalesce($8, error)
  where id = $1`;

const START_SQL = `
  update tenant_moves
  set status = 'running',
      started_at = coalesce(started_at, now()),
      attempts = attempts + 1
  where id = $1
    and status in ('queued', 'running')
  returning id`;

const FINISH_SQL = `
  update tenant_moves
  set status = $2,
      phase = 'finished',
      phase_started_at = now(),
      error = coalesce($3, error),
      finished_at = now()
  where id = $1`;

const REQUEST_CANCEL_SQL = `
  update tenant_moves
  set cancel_requested_at = coalesce(cancel_requested_at, now()),
      cancel_requested_by = coalesce(cancel_requested_by, $2)
  where id = $1
    and status in ('queued', 'running')
  returning id`;

interface RawMoveRow {
  id: string;
  run_id: string | null;
  tenant_id: string;
  source_shard_id: string;
  target_shard_id: string;
  strategy: MoveStrategy;
  phase: MovePhase;
  status: MoveStatus;
  checkpoint: MoveCheckpoint;
  bytes_total: string | null;
  bytes_copied: string;
  rows_copied: string;
  fence_lsn: string | null;
  fenced_at: Date | null;
  switched_at: Date | null;
  write_block_ms: number | null;
  verification: TableVerification[] | null;
  error: string | null;
  attempts: number;
  cancel_requested_at: Date | null;
  schema_name: string | null;
}

const toMove = (row: RawMoveRow): MoveRow => ({
  id: row.id,
  runId: row.run_id,
  tenantId: row.tenant_id,
  sourceShardId: row.source_shard_id,
  targetShardId: row.target_shard_id,
  strategy: row.strategy,
  phase: row.phase,
  status: row.status,
  checkpoint: row.checkpoint ?? {},
  bytesTotal: row.bytes_total === null ? null : Number(row.bytes_total),
  bytesCopied: Number(row.bytes_copied),
  rowsCopied: Number(row.rows_copied),
  fenceLsn: row.fence_lsn,
  fencedAt: row.fenced_at,
  switchedAt: row.switched_at,
  writeBlockMs: row.write_block_ms,
  verification: row.verification,
  error: row.error,
  attempts: row.attempts,
  cancelRequestedAt: row.cancel_requested_at,
  schemaName: row.schema_name,
});

export interface CreateMoveOptions {
  runId?: string | null;
  strategy?: MoveStrategy;
}

/**
 * A queued move of the tenant to `targetShardId`, refused (MoveRefusedError)
 * when the tenant is pinned, already on that shard, not active, or has a live
 * move. `client` lets the caller create it inside its own transaction (with
 * its audit row); without it, one transaction of its own.
 */
export async function createMove(
  tenantId: string,
  targetShardId: string,
  startedBy: string,
  options: CreateMoveOptions = {},
  client?: pg.ClientBase,
): Promise<string> {
  const work = async (tx: pg.ClientBase) => {
    const tenant = (await tx.query<{ shard_id: string; status: string; pinned: boolean }>(LOCK_TENANT_SQL, [tenantId])).rows[0];
    if (!tenant) throw new MoveRefusedError('tenant_not_found', `tenant ${tenantId} does not exist`);
    if (tenant.pinned) throw new MoveRefusedError('pinned', `tenant ${tenantId} is pinned to ${tenant.shard_id}: unpin it before moving it`);
    if (tenant.shard_id === targetShardId) throw new MoveRefusedError('same_shard', `tenant ${tenantId} is already on ${targetShardId}`);
    if (!(await tx.query(SHARD_EXISTS_SQL, [targetShardId])).rowCount) throw new MoveRefusedError('unknown_shard', `there is no shard ${targetShardId}`);
    const live = (await tx.query<{ id: string }>(LIVE_MOVE_SQL, [tenantId])).rows[0];
    if (live) throw new MoveRefusedError('live_move', `tenant ${tenantId} is already being moved (move ${live.id})`);
    if (tenant.status !== 'active') throw new MoveRefusedError('not_active', `tenant ${tenantId} is ${tenant.status}, not active`);
    const { rows } = await tx.query<{ id: string }>(INSERT_MOVE_SQL, [
      options.runId ?? null,
      tenantId,
      tenant.shard_id,
      targetShardId,
      options.strategy ?? 'logical',
      startedBy,
    ]);
    return rows[0].id;
  };
  return client ? work(client) : withControlTransaction(work);
}

export async function loadMove(moveId: string): Promise<MoveRow | null> {
  const row = (await getControlPool().query<RawMoveRow>(SELECT_MOVE_SQL, [moveId])).rows[0];
  return row ? toMove(row) : null;
}

/** Marks a queued (or resumed) move running and counts the attempt; false when it is already finished. */
export async function startMove(moveId: string): Promise<boolean> {
  return ((await getControlPool().query(START_SQL, [moveId])).rowCount ?? 0) > 0;
}

export interface CheckpointFields {
  checkpoint?: MoveCheckpoint;
  bytesTotal?: number;
  bytesCopied?: number;
  rowsCopied?: number;
  verification?: TableVerification[];
  error?: string;
}

/** Records the phase (before it acts) and whatever progress is given. */
export async function checkpoint(moveId: string, phase: MovePhase, fields: CheckpointFields = {}): Promise<void> {
  await getControlPool().query(CHECKPOINT_SQL, [
    moveId,
    phase,
    fields.checkpoint === undefined ? null : JSON.stringify(fields.checkpoint),
    fields.bytesTotal ?? null,
    fields.bytesCopied ?? null,
    fields.rowsCopied ?? null,
    fields.verification === undefined ? null : JSON.stringify(fields.verification),
    fields.error ?? null,
  ]);
}

export async function finishMove(moveId: string, status: Exclude<MoveStatus, 'queued' | 'running'>, error: string | null = null): Promise<void> {
  await getControlPool().query(FINISH_SQL, [moveId, status, error]);
}

/** Asks a live move to stop; the runner decides (before switch: rollback; after: ignored). False when it is not live. `db`: a transaction's client (the API's, with its audit row). */
export async function requestCancel(moveId: string, requestedBy: string, db: Pick<pg.ClientBase, 'query'> = getControlPool()): Promise<boolean> {
  return ((await db.query(REQUEST_CANCEL_SQL, [moveId, requestedBy])).rowCount ?? 0) > 0;
}
