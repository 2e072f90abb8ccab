import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { confirmShape, refusalAsApiError, requireActiveTarget, requireMoveReadiness, requireUuid } from './move-api';
import { TENANT_MOVE_COLUMNS, toTenantMove, withReplicationLag, type TenantMoveRow, type TenantMoveView } from './move-read';
import { createMove } from './move-store';

/**
 * Rebalance runs: an executed plan (POST /api/rebalance/runs, admin) is one
 * rebalance_runs row and one queued tenant_moves row per planned move, created
 * in one transaction with its audit row after the server re-checks every
 * move against the directory as it is now. Any refusal names the tenant and
 * creates nothing. The worker starts the moves (move-sweep.ts) and closes the
 * run when its last move has finished (finishRuns).
 */

const shardIdShape = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a shard id (lowercase letters, digits and dashes)');

/** A planned move as POST /api/rebalance/plan returns it; the rest of the plan is kept as given (stored with the run). */
const plannedMoveShape = z.looseObject({ tenantId: z.uuid(), name: z.string().max(200), from: shardIdShape, to: shardIdShape });

export const runRequestSchema = z
  .object({
    confirm: confirmShape,
    plan: z.looseObject({ request: z.looseObject({}), moves: z.array(plannedMoveShape).min(1, 'the plan moves no tenant').max(1000) }),
  })
  .strict();
export type RunRequestBody = z.infer<typeof runRequestSchema>;

const LOCK_TENANTS_SQL = `select id, name, shard_id from tenants where id = any($1::uuid[]) order by id for update`;
const INSERT_RUN_SQL = `insert into rebalance_runs (plan, created_by) values ($1::jsonb, $2) returning id`;

const LIST_RUNS_SQL = `
  select r.id, r.status, r.created_by, r.created_at, r.finished_at,
         count(m.id)::int as moves,
         count(*) filter (where m.status = 'done')::int as done,
         count(*) filter (where m.status in ('failed', 'rolled_back'))::int as failed,
         count(*) filter (where m.status = 'cancelled')::int as cancelled,
         max(m.write_block_ms) as max_write_block_ms
  from rebalance_runs r
  left join tenant_moves m on m.run_id = r.id
  group by r.id
  order by r.created_at desc, r.id desc
  limit $1`;

const SELECT_RUN_SQL = `select id, status, plan, created_by, created_at, finished_at from rebalance_runs where id = $1`;

const RUN_MOVES_SQL = `
  select ${TENANT_MOVE_COLUMNS}
  from tenant_moves m
  join tenants t on t.id = m.tenant_id
  where m.run_id = $1
  order by m.created_at, m.id`;

/** Runs whose moves have all finished: failed if any failed or rolled back, cancelled if any was cancelled, else done. */
const FINISH_RUNS_SQL = `
  update rebalance_runs r
  set status = case
        when exists (select 1 from tenant_moves m where m.run_id = r.id and m.status in ('failed', 'rolled_back')) then 'failed'
        when exists (select 1 from tenant_moves m where m.run_id = r.id and m.status = 'cancelled') then 'cancelled'
        else 'done'
      end,
      finished_at = now()
  where r.status = 'running'
    and not exists (select 1 from tenant_moves m where m.run_id = r.id and m.status in ('queued', 'running'))
  returning r.id`;

export interface RunSummary {
  id: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  /** How many moves the run has; `done` and `failed` (failed or rolled back) of them. */
  moves: number;
  done: number;
  failed: number;
  cancelled: number;
  maxWriteBlockMs: number | null;
}

export interface RunDetail extends Omit<RunSummary, 'moves' | 'done' | 'failed' | 'cancelled' | 'maxWriteBlockMs'> {
  plan: unknown;
  moves: TenantMoveView[];
}

/** POST /api/rebalance/runs: the plan re-checked, then the run and its queued moves in one transaction with the audit row. */
export async function startRebalanceRun(body: RunRequestBody, actor: Session): Promise<{ runId: string }> {
  const planned = body.plan.moves;
  // Same tables on both sides and room for a subscription, once per pair of shards (the run's moves take turns, one per shard at a time).
  const pairs = new Map(planned.map((move) => [`${move.from}→${move.to}`, move]));
  for (const move of pairs.values()) await requireMoveReadiness(move.tenantId.toLowerCase(), move.to, 'logical', `${move.from} → ${move.to}: `);
  return withControlTransaction(async (client) => {
    const tenants = new Map(
      (await client.query<{ id: string; name: string; shard_id: string }>(LOCK_TENANTS_SQL, [planned.map((move) => move.tenantId)])).rows.map((row) => [row.id, row]),
    );
    const runId = (await client.query<{ id: string }>(INSERT_RUN_SQL, [JSON.stringify(body.plan), actor.user])).rows[0].id;
    const created: { moveId: string; tenantId: string; from: string; to: string }[] = [];
    for (const move of planned) {
      const tenantId = move.tenantId.toLowerCase();
      const tenant = tenants.get(tenantId);
      const who = `${tenant?.name ?? move.name} (${tenantId}): `;
      if (!tenant) throw new ApiError('conflict', `${who}the tenant no longer exists; plan again`);
      if (tenant.shard_id !== move.from) throw new ApiError('conflict', `${who}the tenant is on ${tenant.shard_id} now, not ${move.from} as planned; plan again`);
      await requireActiveTarget(client, move.to, who);
      const moveId = await createMove(tenantId, move.to, actor.user, { runId, strategy: 'logical' }, client).catch((error: unknown) => {
        throw refusalAsApiError(error, who);
      });
      created.push({ moveId, tenantId, from: move.from, to: move.to });
    }
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'rebalance_run.start',
      target: `run ${runId}`,
      result: 'ok',
      detail: { moves: created },
    });
    return { runId };
  }).catch((error: unknown) => {
    // A refusal of one move is a conflict of the whole run: nothing was created.
    throw error instanceof ApiError && error.code === 'not_found' ? new ApiError('conflict', error.message) : error;
  });
}

interface RunRow {
  id: string;
  status: RunSummary['status'];
  created_by: string;
  created_at: Date;
  finished_at: Date | null;
}

const runFields = (row: RunRow) => ({
  id: row.id,
  status: row.status,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
});

export async function listRebalanceRuns(limit = 100): Promise<RunSummary[]> {
  const { rows } = await getControlPool().query<RunRow & { moves: number; done: number; failed: number; cancelled: number; max_write_block_ms: number | null }>(
    LIST_RUNS_SQL,
    [limit],
  );
  return rows.map((row) => ({
    ...runFields(row),
    moves: row.moves,
    done: row.done,
    failed: row.failed,
    cancelled: row.cancelled,
    maxWriteBlockMs: row.max_write_block_ms,
  }));
}

export async function getRebalanceRun(runIdParam: string): Promise<RunDetail> {
  const runId = requireUuid(runIdParam, 'rebalance run');
  const pool = getControlPool();
  const run = (await pool.query<RunRow & { plan: unknown }>(SELECT_RUN_SQL, [runId])).rows[0];
  if (!run) throw new ApiError('not_found', `no rebalance run ${runId}`);
  const rows = (await pool.query<TenantMoveRow>(RUN_MOVES_SQL, [runId])).rows;
  const moves = await Promise.all(rows.map((row) => withReplicationLag(toTenantMove(row))));
  return { ...runFields(run), plan: run.plan, moves };
}

/** Closes the runs whose last move has finished; the ids closed. */
export async function finishRuns(db: Pick<ReturnType<typeof getControlPool>, 'query'> = getControlPool()): Promise<string[]> {
  return (await db.query<{ id: string }>(FINISH_RUNS_SQL)).rows.map((row) => row.id);
}
