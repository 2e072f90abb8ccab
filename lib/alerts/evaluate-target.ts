import type pg from 'pg';
import { advanceAlert } from './alert-machine';
import {
  INITIAL_MACHINE_STATE,
  targetKey as keyOf,
  type AlertMachineState,
  type AlertRule,
  type AlertSample,
  type AlertTarget,
  type MachineTransition,
  type Severity,
  type TransitionKind,
} from './alert-model';
import type { DeliveryItem } from './deliveries';
import { ruleThresholds, thresholdOf } from './effective-rules';
import {
  appendTransition,
  deleteState,
  insertEvent,
  resolveEvent,
  retireEvent,
  saveState,
  updateEventFigures,
  type EventFigures,
  type OpenEvent,
  type StoredState,
} from './evaluation-store';

/**
 * One (metric, target) of an evaluation round (lib/alerts/evaluate-shard.ts):
 * its samples through the state machine, and what the machine says written
 * as events, numbered transitions and the saved state, all on the round's
 * transaction. Also the retirement of a target that is no longer evaluated.
 */

/** An open event the machine does not know of (its state was reset by hand): closed, a new one fires if the condition holds. */
export const RESOLVE_REASON_STATE_RESET = 'state reset';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface AppliedTransition {
  metric: string;
  targetKey: string;
  eventId: string;
  seq: number;
  kind: Exclude<TransitionKind, 'acknowledged'>;
  severity: Severity;
  value: number | null;
  at: string;
  /** Why an alert resolved other than by its value (rule disabled, target removed). */
  reason: string | null;
}

export interface FiredEvent {
  eventId: string;
  target: AlertTarget;
  metric: string;
  at: Date;
}

/** What one round accumulates across its targets. */
export interface TargetRun {
  db: Queryable;
  shardId: string;
  at: Date;
  transitions: AppliedTransition[];
  fired: FiredEvent[];
  deliveries: DeliveryItem[];
}

export interface TargetInput {
  metric: string;
  target: AlertTarget;
  /** The target's effective rule, enabled. */
  rule: AlertRule;
  samples: readonly AlertSample[];
  stored: StoredState | null;
  open: OpenEvent | null;
}

function record(run: TargetRun, entry: Omit<AppliedTransition, 'at'> & { at: Date }): void {
  run.transitions.push({ ...entry, at: entry.at.toISOString() });
  run.deliveries.push({ eventId: entry.eventId, seq: entry.seq, transition: entry.kind });
}

function figuresOf(state: AlertMachineState, fallback: Severity): EventFigures {
  return {
    severity: state.severity ?? fallback,
    peakSeverity: state.peakSeverity ?? state.severity ?? fallback,
    peakValue: state.peakValue,
    lastValue: state.lastValue,
  };
}

/** Writes one transition of the machine; returns the event id open after it (null once resolved). */
async function applyTransition(
  run: TargetRun,
  input: TargetInput,
  eventId: string | null,
  transition: MachineTransition,
  before: AlertMachineState,
  after: AlertMachineState,
): Promise<string | null> {
  const { metric, target, rule } = input;
  const targetKey = keyOf(target);
  const entry = { metric, targetKey, kind: transition.kind, severity: transition.severity, value: transition.value, at: transition.at, reason: null };
  if (transition.kind === 'fired') {
    const fired = await insertEvent(run.db, {
      ruleId: rule.id,
      metric,
      targetKey,
      target,
      severity: transition.severity,
      startedAt: transition.at,
      value: transition.value,
      threshold: thresholdOf(ruleThresholds(rule), transition.severity),
    });
    record(run, { ...entry, eventId: fired.eventId, seq: fired.seq });
    run.fired.push({ eventId: fired.eventId, target, metric, at: transition.at });
    return fired.eventId;
  }
  // The machine fires before anything else happens to an event; without one there is nothing to number.
  if (eventId === null) return null;
  const seq = await appendTransition(run.db, eventId, transition);
  record(run, { ...entry, eventId, seq });
  if (transition.kind === 'resolved') {
    // The machine is back to its initial state: the event's worst figures are those from before the resolve.
    await updateEventFigures(run.db, eventId, { ...figuresOf(before, transition.severity), severity: transition.severity, lastValue: transition.value });
    await resolveEvent(run.db, eventId, transition.at, null);
    return null;
  }
  await updateEventFigures(run.db, eventId, figuresOf(after, transition.severity));
  return eventId;
}

export async function evaluateTarget(run: TargetRun, input: TargetInput): Promise<void> {
  const { metric, target, rule, stored, open } = input;
  const targetKey = keyOf(target);
  let machine = stored?.machine ?? INITIAL_MACHINE_STATE;
  let eventId: string | null = null;
  if (machine.phase === 'firing') {
    if (open) eventId = open.id;
    // Its event was closed by other means: start over (the condition fires again after `for` if it holds).
    else machine = { ...INITIAL_MACHINE_STATE, lastValue: machine.lastValue, lastSampleAt: machine.lastSampleAt };
  } else if (open) {
    await retireOpenEvent(run, metric, targetKey, open.id, RESOLVE_REASON_STATE_RESET);
  }

  const thresholds = ruleThresholds(rule);
  const samples = [...input.samples].sort((a, b) => a.at.getTime() - b.at.getTime());
  const transitionsBefore = run.transitions.length;
  // One sample at a time: a resolve resets the machine, and the event still needs the figures from just before it.
  for (const sample of samples) {
    const before = machine;
    const result = advanceAlert(thresholds, [sample], before);
    machine = result.state;
    for (const transition of result.transitions) eventId = await applyTransition(run, input, eventId, transition, before, machine);
  }

  // Nothing new (a retried round, or no sample since the last one): nothing to write.
  const unchanged =
    stored !== null && stored.eventId === eventId && stored.ruleId === rule.id && JSON.stringify(stored.machine) === JSON.stringify(machine);
  // A target that stayed ok needs no row: re-reading its samples next round changes nothing.
  const stayedOk = stored === null && machine.phase === 'ok' && run.transitions.length === transitionsBefore;
  if (unchanged || stayedOk) return;
  // While firing, the event follows the latest and the worst value every round.
  if (machine.phase === 'firing' && eventId !== null) await updateEventFigures(run.db, eventId, figuresOf(machine, 'warning'));
  await saveState(run.db, { metric, targetKey, shardId: run.shardId, ruleId: rule.id, eventId, machine });
}

async function retireOpenEvent(run: TargetRun, metric: string, targetKey: string, eventId: string, reason: string): Promise<void> {
  const event = await retireEvent(run.db, eventId, run.at, reason);
  record(run, { metric, targetKey, eventId, seq: event.seq, kind: 'resolved', severity: event.severity, value: event.value, at: run.at, reason });
}

/** A target no longer evaluated (its rule disabled, or gone from the fleet): its open event resolves, its state starts over. */
export async function retireTarget(
  run: TargetRun,
  metric: string,
  targetKey: string,
  stored: StoredState | null,
  open: OpenEvent | null,
  reason: string,
): Promise<void> {
  if (open) await retireOpenEvent(run, metric, targetKey, open.id, reason);
  if (stored) await deleteState(run.db, metric, targetKey);
}
