import { COPY_STRATEGY_PHASES, FORWARD_PHASES, type MovePhase, type MoveStatus, type MoveStrategy } from '@/lib/rebalance/move-model';

/** What each phase does, in the operator's words. */
export const PHASE_LABELS: Record<MovePhase, string> = {
  prepare: 'Prepare',
  copy: 'Copy',
  catch_up: 'Catch up',
  fence: 'Fence writes',
  drain: 'Drain',
  verify: 'Verify',
  switch: 'Switch',
  cleanup: 'Clean up',
  rollback: 'Roll back',
  finished: 'Finished',
};

export const STATUS_LABELS: Record<MoveStatus, string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  rolled_back: 'rolled back',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function statusTone(status: MoveStatus | 'running'): 'ok' | 'warn' | 'bad' | 'neutral' {
  if (status === 'done') return 'ok';
  if (status === 'failed') return 'bad';
  if (status === 'rolled_back' || status === 'cancelled') return 'warn';
  return 'neutral';
}

export type StepState = 'done' | 'current' | 'todo' | 'skipped';

/** The strategy's forward phases, each done, current or still to come, given where the move is. */
export function phaseSteps(strategy: MoveStrategy, phase: MovePhase, status: MoveStatus): { phase: MovePhase; state: StepState }[] {
  const order: readonly MovePhase[] = strategy === 'copy' ? COPY_STRATEGY_PHASES : FORWARD_PHASES;
  const index = order.indexOf(phase);
  return order.map((step, i) => {
    if (status === 'done') return { phase: step, state: 'done' };
    if (status === 'queued') return { phase: step, state: 'todo' };
    if (index < 0) return { phase: step, state: 'skipped' }; // rollback / finished without reaching the end
    return { phase: step, state: i < index ? 'done' : i === index ? 'current' : 'todo' };
  });
}

/** Phases in which the tenant's writes are refused on the source (the fence is up, the switch not yet committed). */
export const WRITE_BLOCK_PHASES: readonly MovePhase[] = ['fence', 'drain', 'verify', 'switch'];

/** Bytes copied of the total, 0–100; null when the total is not known yet. */
export function copiedPercent(bytesCopied: number, bytesTotal: number | null): number | null {
  if (bytesTotal === null) return null;
  if (bytesTotal <= 0) return bytesCopied > 0 ? 100 : 0;
  return Math.min(100, Math.round((bytesCopied / bytesTotal) * 100));
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Wall time between two instants, compact; "—" until it has started. */
export function formatDuration(from: string | null, to: string | null, now = Date.now()): string {
  if (!from) return '—';
  const ms = (to ? Date.parse(to) : now) - Date.parse(from);
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
