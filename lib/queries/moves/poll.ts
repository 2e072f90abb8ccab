import type { TenantMove } from '@/lib/rebalance/move-model';

/** 2 s while a move is queued or running: the worker sweeps every 3 s and checkpoints each phase. */
export const MOVE_POLL_MS = 2_000;

export function isLive(move: Pick<TenantMove, 'status'>): boolean {
  return move.status === 'queued' || move.status === 'running';
}

/** Poll while any move is live; stop once every move has finished. */
export function pollWhileLive(moves: Pick<TenantMove, 'status'>[] | undefined): number | false {
  return moves === undefined || moves.some(isLive) ? MOVE_POLL_MS : false;
}

/** A run: poll while any move is live and until the run itself is closed (the sweep closes it seconds after its last move). */
export function pollRunWhileOpen(run: { status: string; moves: Pick<TenantMove, 'status'>[] } | undefined): number | false {
  return run?.status === 'running' ? MOVE_POLL_MS : pollWhileLive(run?.moves);
}
