import pg from 'pg';
import { getFleetEnv } from '@/lib/env';
import { findShard, getFleet } from '@/lib/fleet/topology';
import { COPY_PHASE_RUNNERS } from './move-copy-phases';
import { cancellable, nextPhase, type MovePhase, type MoveStatus, type MoveStrategy } from './move-model';
import {
  DEFAULT_MOVE_TIMINGS,
  FORWARD_PHASE_RUNNERS,
  MoveCancelledError,
  MoveRefusedAtPrepareError,
  rollback,
  type MoveTimings,
  type PhaseContext,
  type PhaseResult,
} from './move-phases';
import { checkpoint, finishMove, loadMove, startMove, type MoveRow } from './move-store';

/**
 * Runs one tenant move, logical (move-phases.ts) or copy
 * (move-copy-phases.ts), from wherever its checkpoint says it stands: phase
 * by phase, the phase recorded in tenant_moves before it acts. Before the
 * switch, any error or a requested cancel rolls the move back (the error
 * text kept); from the switch on there is no way back, so errors are retried
 * (in process a few times, then by the job's retry).
 *
 * One runner per move at a time, across workers: a session advisory lock on
 * the control DB, held on a connection of its own for the length of the run
 * (a killed worker's connection drops, and with it the lock).
 */

export interface RunMoveOptions {
  timings?: Partial<MoveTimings>;
  /** Epoch ms: past it, a waiting phase yields and runMove returns 'yielded' (the worker queues the move again). */
  sliceEndsAt?: number;
  /** Tries of a phase after the switch before the error is left to the job's retry. */
  afterSwitchAttempts?: number;
  /** Called after a phase is checkpointed, before it acts: for logs and crash tests. */
  onPhaseStart?: (phase: MovePhase) => void | Promise<void>;
  /** Called after each phase acted, before the next phase is checkpointed: for logs and crash tests. */
  onPhase?: (phase: MovePhase) => void | Promise<void>;
}

export type RunMoveOutcome = { status: MoveStatus; yielded: boolean };

/** Another runner holds the move (its job is being retried while the first still runs). */
export class MoveBusyError extends Error {
  constructor(moveId: string) {
    super(`move ${moveId} is being run by another worker`);
    this.name = 'MoveBusyError';
  }
}

/** Namespace of the per-move advisory lock (the second key is hashtext of the move id); the sweep looks for it in pg_locks. */
export const MOVE_LOCK_NAMESPACE = 1_307_011;
const TRY_LOCK_SQL = `select pg_try_advisory_lock($1, hashtext($2)) as locked`;
const RETRY_PAUSE_MS = 2_000;

/** Each strategy's forward phases; both roll back alike (move-phases.ts rollback). */
const PHASE_RUNNERS: Record<MoveStrategy, Partial<Record<MovePhase, (ctx: PhaseContext) => Promise<PhaseResult>>>> = {
  logical: FORWARD_PHASE_RUNNERS,
  copy: COPY_PHASE_RUNNERS,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface MoveLock {
  client: pg.Client;
  /** The lock's connection broke: the lock is gone, and the sweep may give the move to another runner. */
  lost: () => boolean;
}

async function holdMoveLock(moveId: string): Promise<MoveLock | null> {
  const client = new pg.Client({
    connectionString: getFleet().control.url,
    connectionTimeoutMillis: getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS,
    application_name: 'shardscope-move',
  });
  let lost = false;
  client.on('error', () => (lost = true));
  client.on('end', () => (lost = true));
  await client.connect();
  const locked = (await client.query<{ locked: boolean }>(TRY_LOCK_SQL, [MOVE_LOCK_NAMESPACE, moveId])).rows[0].locked;
  if (locked) return { client, lost: () => lost };
  await client.end().catch(() => {});
  return null;
}

function contextFor(move: MoveRow, timings: MoveTimings, sliceEndsAt: number | undefined, lock: MoveLock): PhaseContext {
  const source = findShard(move.sourceShardId);
  const target = findShard(move.targetShardId);
  if (!source || !target) throw new Error(`move ${move.id}: shard ${source ? move.targetShardId : move.sourceShardId} is not in the fleet file`);
  return {
    move,
    source,
    target,
    timings,
    checkCancel: async () => {
      const fresh = await loadMove(move.id);
      if (fresh?.cancelRequestedAt && cancellable(move.strategy, move.phase)) throw new MoveCancelledError();
    },
    // A lost lock ends the slice at the next point a phase may stop: the next job finds out who runs the move now.
    sliceOver: () => lock.lost() || (sliceEndsAt !== undefined && Date.now() > sliceEndsAt),
  };
}

async function runRollback(move: MoveRow, ctx: PhaseContext): Promise<MoveStatus> {
  const status: MoveStatus = move.cancelRequestedAt ? 'cancelled' : 'rolled_back';
  try {
    await rollback(ctx);
  } catch (error) {
    const cause = move.error ? `${move.error}; ` : '';
    await finishMove(move.id, 'failed', `${cause}rollback failed: ${errorText(error)}`);
    return 'failed';
  }
  await finishMove(move.id, status);
  return status;
}

export async function runMove(moveId: string, options: RunMoveOptions = {}): Promise<RunMoveOutcome> {
  const timings = { ...DEFAULT_MOVE_TIMINGS, ...options.timings };
  const afterSwitchAttempts = options.afterSwitchAttempts ?? 3;
  const lock = await holdMoveLock(moveId);
  if (!lock) throw new MoveBusyError(moveId);
  try {
    const first = await loadMove(moveId);
    if (!first) throw new Error(`there is no move ${moveId}`);
    if (!(await startMove(moveId))) return { status: first.status, yielded: false };
    let failuresAfterSwitch = 0;
    for (;;) {
      const move = (await loadMove(moveId))!;
      if (move.phase === 'finished') return { status: move.status, yielded: false };
      const ctx = contextFor(move, timings, options.sliceEndsAt, lock);
      if (move.phase === 'rollback') return { status: await runRollback(move, ctx), yielded: false };
      if (move.cancelRequestedAt && cancellable(move.strategy, move.phase)) {
        await checkpoint(moveId, 'rollback', { checkpoint: { ...move.checkpoint, rollbackFrom: move.phase } });
        continue;
      }
      if (ctx.sliceOver()) return { status: move.status, yielded: true };
      const phaseRunner = PHASE_RUNNERS[move.strategy][move.phase];
      if (!phaseRunner) throw new Error(`move ${moveId}: no runner for phase ${move.phase} of the ${move.strategy} strategy`);
      await options.onPhaseStart?.(move.phase);
      let result: MovePhase | 'yield';
      try {
        result = await phaseRunner(ctx);
      } catch (error) {
        if (error instanceof MoveRefusedAtPrepareError) {
          await finishMove(moveId, 'failed', error.message);
          return { status: 'failed', yielded: false };
        }
        if (cancellable(move.strategy, move.phase)) {
          const text = error instanceof MoveCancelledError ? null : `${move.phase}: ${errorText(error)}`;
          await checkpoint(moveId, 'rollback', { checkpoint: { ...move.checkpoint, rollbackFrom: move.phase }, ...(text ? { error: text } : {}) });
          continue;
        }
        failuresAfterSwitch += 1;
        if (failuresAfterSwitch >= afterSwitchAttempts) throw error;
        await sleep(RETRY_PAUSE_MS);
        continue;
      }
      if (result === 'yield') return { status: 'running', yielded: true };
      await options.onPhase?.(move.phase);
      if (result === 'finished') {
        // Only cleanup returns 'finished': the forward order ends there.
        await finishMove(moveId, 'done');
        return { status: 'done', yielded: false };
      }
      // A phase may send the move back (drain → catch_up, drain → fence; copy or verify → fence; fence again); otherwise it returns the next phase in order.
      if (result !== nextPhase(move.strategy, move.phase) && !['catch_up', 'fence'].includes(result)) {
        throw new Error(`move ${moveId}: phase ${move.phase} returned ${result}`);
      }
      await checkpoint(moveId, result);
    }
  } finally {
    await lock.client.end().catch(() => {});
  }
}
