import type { MovePhase, MoveStrategy } from '@/lib/rebalance/move-model';
import { runMove, type RunMoveOutcome } from '@/lib/rebalance/move-runner';
import type { MoveTimings } from '@/lib/rebalance/move-phases';
import { createMove } from '@/lib/rebalance/move-store';

/**
 * One move run the way the worker runs it (createMove + runMove, the logical
 * strategy unless told), with the runner's phase hooks stamped on this process's clock
 * (the sandbox shares the host's clock with it, so these compare with the
 * fenced_at and switched_at the move records on the control DB).
 */

export interface PhaseMark {
  phase: MovePhase;
  /** start: checkpointed, about to act (onPhaseStart); end: acted (onPhase). */
  edge: 'start' | 'end';
  at: number;
}

export interface TimedMove {
  moveId: string;
  outcome: RunMoveOutcome;
  startedAt: number;
  endedAt: number;
  marks: PhaseMark[];
}

/** The last time a phase reached that edge (a drain retry runs fence and drain again: the last run is the one that led to the switch). */
export function lastMark(move: TimedMove, phase: MovePhase, edge: PhaseMark['edge']): number | null {
  return move.marks.findLast((mark) => mark.phase === phase && mark.edge === edge)?.at ?? null;
}

/** From the phase's start to its end, or null when it did not finish. */
export function phaseMs(move: TimedMove, phase: MovePhase): number | null {
  const start = lastMark(move, phase, 'start');
  const end = lastMark(move, phase, 'end');
  return start === null || end === null ? null : end - start;
}

export async function timedMove(tenantId: string, targetShardId: string, timings: Partial<MoveTimings>, strategy: MoveStrategy = 'logical'): Promise<TimedMove> {
  const marks: PhaseMark[] = [];
  const startedAt = Date.now();
  const moveId = await createMove(tenantId, targetShardId, 'bench-move', { strategy });
  const outcome = await runMove(moveId, {
    timings,
    onPhaseStart: (phase) => void marks.push({ phase, edge: 'start', at: Date.now() }),
    onPhase: (phase) => void marks.push({ phase, edge: 'end', at: Date.now() }),
  });
  return { moveId, outcome, startedAt, endedAt: Date.now(), marks };
}
