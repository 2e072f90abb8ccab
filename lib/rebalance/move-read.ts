import { ApiError } from '@/lib/api/errors';
import { getControlPool } from '@/lib/control/db';
import { findShard } from '@/lib/fleet/topology';
import { requireUuid } from './move-api';
import type { MovePhase, MoveStatus, MoveStrategy, TableVerification, TenantMove } from './move-model';
import { replicationLag } from './move-progress';

/**
 * Moves as the console reads them (GET /api/moves/:id, a run's moves): the
 * contract's fields plus what the run page shows while a move is under way —
 * when the current phase began, when the fence went up (the live write-block
 * timer counts from it), and, while the subscription streams, how far it
 * trails the source (read live from the source's slot).
 */

/** The columns of a TenantMove; `m` is tenant_moves. */
export const TENANT_MOVE_COLUMNS = `
  m.id, m.run_id, m.tenant_id, t.name as tenant_name, m.source_shard_id, m.target_shard_id, m.strategy, m.phase, m.status,
  m.bytes_total, m.bytes_copied, m.rows_copied, m.write_block_ms, m.verification, m.error,
  m.started_at, m.finished_at, m.created_at, m.started_by, m.cancel_requested_at, m.cancel_requested_by,
  m.phase_started_at, m.fenced_at`;

const SELECT_TENANT_MOVE_SQL = `
  select ${TENANT_MOVE_COLUMNS}
  from tenant_moves m
  join tenants t on t.id = m.tenant_id
  where m.id = $1`;

export interface TenantMoveRow {
  id: string;
  run_id: string | null;
  tenant_id: string;
  tenant_name: string;
  source_shard_id: string;
  target_shard_id: string;
  strategy: MoveStrategy;
  phase: MovePhase;
  status: MoveStatus;
  bytes_total: string | null;
  bytes_copied: string;
  rows_copied: string;
  write_block_ms: number | null;
  verification: TableVerification[] | null;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  started_by: string;
  cancel_requested_at: Date | null;
  cancel_requested_by: string | null;
  phase_started_at: Date | null;
  fenced_at: Date | null;
}

/** The contract's fields (move-model.ts TenantMove) plus who, when, the tenant's name and the live figures of a running move. */
export interface TenantMoveView extends TenantMove {
  runId: string | null;
  tenantName: string;
  createdAt: string;
  startedBy: string;
  cancelRequestedAt: string | null;
  cancelRequestedBy: string | null;
  phaseStartedAt: string | null;
  /** When the source's fence went up; null before the fence and after a fence lifted for a retry or a rollback. */
  fencedAt: string | null;
  /** Bytes of source WAL the subscription has yet to confirm, while a logical move copies or catches up; null otherwise or when the source does not answer. */
  replicationLagBytes: number | null;
}

const iso = (at: Date | null) => (at ? at.toISOString() : null);

export function toTenantMove(row: TenantMoveRow): TenantMoveView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    sourceShardId: row.source_shard_id,
    targetShardId: row.target_shard_id,
    strategy: row.strategy,
    phase: row.phase,
    status: row.status,
    bytesTotal: row.bytes_total === null ? null : Number(row.bytes_total),
    bytesCopied: Number(row.bytes_copied),
    rowsCopied: Number(row.rows_copied),
    writeBlockMs: row.write_block_ms,
    verification: row.verification,
    error: row.error,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    runId: row.run_id,
    tenantName: row.tenant_name,
    createdAt: row.created_at.toISOString(),
    startedBy: row.started_by,
    cancelRequestedAt: iso(row.cancel_requested_at),
    cancelRequestedBy: row.cancel_requested_by,
    phaseStartedAt: iso(row.phase_started_at),
    fencedAt: iso(row.fenced_at),
    replicationLagBytes: null,
  };
}

/** Phases in which a logical move's subscription streams and its lag means something. */
const STREAMING_PHASES: readonly MovePhase[] = ['copy', 'catch_up'];

/** The move with its subscription's lag read from the source; a source that does not answer leaves it null (the page says so). */
export async function withReplicationLag(move: TenantMoveView): Promise<TenantMoveView> {
  if (move.status !== 'running' || move.strategy !== 'logical' || !STREAMING_PHASES.includes(move.phase)) return move;
  const source = findShard(move.sourceShardId);
  const lag = source ? await replicationLag(source, move.id).catch(() => null) : null;
  return { ...move, replicationLagBytes: lag ? lag.lagBytes : null };
}

export async function getTenantMove(moveId: string): Promise<TenantMoveView> {
  const id = requireUuid(moveId, 'move');
  const row = (await getControlPool().query<TenantMoveRow>(SELECT_TENANT_MOVE_SQL, [id])).rows[0];
  if (!row) throw new ApiError('not_found', `no move ${id}`);
  return withReplicationLag(toTenantMove(row));
}
