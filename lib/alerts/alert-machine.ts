import type {
  AlertMachineState,
  AlertSample,
  MachineResult,
  MachineTransition,
  RuleThresholds,
  Severity,
} from './alert-model';
import { INITIAL_MACHINE_STATE } from './alert-model';

/**
 * The alert state machine of one (rule, target): ok → pending → firing →
 * back to ok (resolved). Pure: the worker feeds it the target's recent
 * samples and the state it saved last round, and stores what comes back.
 *
 * What keeps it quiet:
 * - it fires only once the condition held for the rule's `for` (every bad
 *   sample since the first one; a good sample while pending starts over);
 * - it resolves only once the value stayed on the good side for the same
 *   `for`, so a value hovering at the threshold neither flaps nor resolves;
 * - escalation (warning → critical) and de-escalation need `for` of the new
 *   level too, and both stay within the one event;
 * - a missing sample (value null) or a paused one (the node is down) is
 *   neither good nor bad: it never fires, never resolves and never restarts
 *   the clocks. A retried round re-feeds samples it has seen: they are skipped.
 *
 * A call stops after a resolve: the samples after it are left for the next
 * call, so one call reports at most one `fired` and one `resolved`, in order.
 */

type Level = 'ok' | Severity;

function crosses(comparator: RuleThresholds['comparator'], value: number, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

/** Where a value stands against a rule: critical beats warning; a missing threshold is a level the rule does not have. */
export function levelOf(rule: RuleThresholds, value: number): Level {
  if (rule.critical !== null && crosses(rule.comparator, value, rule.critical)) return 'critical';
  if (rule.warning !== null && crosses(rule.comparator, value, rule.warning)) return 'warning';
  return 'ok';
}

/** The worse of two values for the rule's direction: the higher one for > and >=, the lower one for < and <=. */
function worse(rule: RuleThresholds, current: number | null, value: number): number {
  if (current === null) return value;
  const higherIsWorse = rule.comparator === '>' || rule.comparator === '>=';
  return higherIsWorse ? Math.max(current, value) : Math.min(current, value);
}

/** Whether a run that began at `since` (ISO) has lasted the rule's `for` at `at`. */
function heldFor(rule: RuleThresholds, since: string | null, at: Date): boolean {
  return since !== null && at.getTime() - Date.parse(since) >= rule.forSeconds * 1000;
}

function pendingStep(rule: RuleThresholds, state: AlertMachineState, level: Level, at: Date, value: number): MachineTransition | null {
  const iso = at.toISOString();
  if (level === 'ok') {
    Object.assign(state, { phase: 'ok', badSince: null, criticalSince: null });
    return null;
  }
  if (state.phase === 'ok') Object.assign(state, { phase: 'pending', badSince: iso, criticalSince: null });
  state.criticalSince = level === 'critical' ? (state.criticalSince ?? iso) : null;
  if (!heldFor(rule, state.badSince, at)) return null;
  const severity: Severity = heldFor(rule, state.criticalSince, at) ? 'critical' : 'warning';
  Object.assign(state, { phase: 'firing', severity, peakSeverity: severity, peakValue: value, goodSince: null, belowCriticalSince: null });
  return { kind: 'fired', at, severity, value };
}

function firingStep(rule: RuleThresholds, state: AlertMachineState, level: Level, at: Date, value: number): MachineTransition | null {
  const iso = at.toISOString();
  state.peakValue = worse(rule, state.peakValue, value);
  state.goodSince = level === 'ok' ? (state.goodSince ?? iso) : null;
  state.criticalSince = level === 'critical' ? (state.criticalSince ?? iso) : null;
  state.belowCriticalSince = state.severity === 'critical' && level !== 'critical' ? (state.belowCriticalSince ?? iso) : null;
  if (level === 'ok' && heldFor(rule, state.goodSince, at)) {
    return { kind: 'resolved', at, severity: state.severity ?? 'warning', value };
  }
  if (state.severity === 'warning' && level === 'critical' && heldFor(rule, state.criticalSince, at)) {
    Object.assign(state, { severity: 'critical', peakSeverity: 'critical' });
    return { kind: 'escalated', at, severity: 'critical', value };
  }
  if (state.severity === 'critical' && level !== 'critical' && heldFor(rule, state.belowCriticalSince, at)) {
    Object.assign(state, { severity: 'warning', belowCriticalSince: null });
    return { kind: 'deescalated', at, severity: 'warning', value };
  }
  return null;
}

export function advanceAlert(rule: RuleThresholds, samples: readonly AlertSample[], state: AlertMachineState): MachineResult {
  const next: AlertMachineState = { ...state };
  const transitions: MachineTransition[] = [];
  const seenUntil = state.lastSampleAt === null ? -Infinity : Date.parse(state.lastSampleAt);
  const fresh = samples.filter((sample) => sample.at.getTime() > seenUntil).sort((a, b) => a.at.getTime() - b.at.getTime());

  for (const sample of fresh) {
    next.lastSampleAt = sample.at.toISOString();
    // Neither good nor bad: the clocks keep running, nothing fires or resolves on it.
    if (sample.paused || sample.value === null || !Number.isFinite(sample.value)) continue;
    const value = sample.value;
    next.lastValue = value;
    const level = levelOf(rule, value);
    const transition = next.phase === 'firing' ? firingStep(rule, next, level, sample.at, value) : pendingStep(rule, next, level, sample.at, value);
    if (!transition) continue;
    transitions.push(transition);
    if (transition.kind === 'resolved') {
      return { state: { ...INITIAL_MACHINE_STATE, lastValue: value, lastSampleAt: next.lastSampleAt }, transitions };
    }
  }
  return { state: next, transitions };
}
