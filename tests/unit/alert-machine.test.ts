import { describe, expect, it } from 'vitest';
import { advanceAlert, levelOf } from '@/lib/alerts/alert-machine';
import { INITIAL_MACHINE_STATE, type AlertMachineState, type AlertSample, type MachineTransition, type RuleThresholds } from '@/lib/alerts/alert-model';

/** Fixture rules, as seeded (supabase/migrations/20261201000001_alerts.sql). */
const replicaLag: RuleThresholds = { comparator: '>', warning: 1, critical: 10, forSeconds: 60 };
const cacheHit: RuleThresholds = { comparator: '<', warning: 90, critical: 80, forSeconds: 30 };
const nodeDown: RuleThresholds = { comparator: '<', warning: null, critical: 1, forSeconds: 30 };
const idleInTransaction: RuleThresholds = { comparator: '>', warning: 60, critical: null, forSeconds: 0 };

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const STEP_S = 15;

/** A reading: a number, a missing sample (null) or a paused one (the node is down). */
type Reading = number | null | 'paused';

function samplesOf(readings: readonly Reading[], startIndex = 0): AlertSample[] {
  return readings.map((reading, index) => ({
    at: new Date(T0 + (startIndex + index) * STEP_S * 1000),
    value: reading === 'paused' ? null : reading,
    paused: reading === 'paused',
  }));
}

/** Seconds after T0 of a transition: the fixtures read in sampling steps. */
const secondsOf = (transition: MachineTransition) => (transition.at.getTime() - T0) / 1000;

/** Feeds one sample per round, as the worker does after each sampling round. */
function rounds(rule: RuleThresholds, readings: readonly Reading[], state: AlertMachineState = INITIAL_MACHINE_STATE, startIndex = 0) {
  const transitions: MachineTransition[] = [];
  let current = state;
  for (const sample of samplesOf(readings, startIndex)) {
    const result = advanceAlert(rule, [sample], current);
    transitions.push(...result.transitions);
    current = result.state;
  }
  return { state: current, transitions, summary: transitions.map((t) => `${t.kind}:${t.severity}@${secondsOf(t)}`) };
}

const repeat = (reading: Reading, times: number): Reading[] => Array.from({ length: times }, () => reading);

describe('levelOf', () => {
  it('ranks a value against both thresholds in the rule direction', () => {
    expect(levelOf(replicaLag, 0.5)).toBe('ok');
    expect(levelOf(replicaLag, 1)).toBe('ok');
    expect(levelOf(replicaLag, 1.01)).toBe('warning');
    expect(levelOf(replicaLag, 10.5)).toBe('critical');
    expect(levelOf(cacheHit, 95)).toBe('ok');
    expect(levelOf(cacheHit, 85)).toBe('warning');
    expect(levelOf(cacheHit, 79.9)).toBe('critical');
  });

  it('knows only the levels a rule has', () => {
    expect(levelOf(nodeDown, 0)).toBe('critical');
    expect(levelOf(nodeDown, 1)).toBe('ok');
    expect(levelOf(idleInTransaction, 100_000)).toBe('warning');
  });

  it('counts the threshold itself as crossed for >= and <=', () => {
    const tenantLimit: RuleThresholds = { comparator: '>=', warning: 80, critical: 100, forSeconds: 60 };
    expect(levelOf(tenantLimit, 80)).toBe('warning');
    expect(levelOf(tenantLimit, 100)).toBe('critical');
    expect(levelOf({ ...cacheHit, comparator: '<=' }, 90)).toBe('warning');
  });
});

describe('advanceAlert', () => {
  it('goes pending on the first bad sample and fires only once the condition held for `for`', () => {
    const first = rounds(replicaLag, [2]);
    expect(first.state.phase).toBe('pending');
    expect(first.state.badSince).toBe(new Date(T0).toISOString());
    const { summary, state } = rounds(replicaLag, [2, 2, 2, 2, 2]);
    expect(summary).toEqual(['fired:warning@60']);
    expect(state).toMatchObject({ phase: 'firing', severity: 'warning', peakSeverity: 'warning', peakValue: 2, lastValue: 2 });
  });

  it('does not fire on a value hovering at the threshold: each good sample starts the wait over', () => {
    const { summary, state } = rounds(replicaLag, [1.2, 0.9, 1.1, 1, 1.3, 0.8, 1.2, 0.95, 1.05, 0.99, 1.1, 1]);
    expect(summary).toEqual([]);
    expect(state.phase).toBe('ok');
  });

  it('does not resolve a firing alert while the value hovers at the threshold, then resolves after `for` on the good side', () => {
    const firing = rounds(replicaLag, repeat(3, 5));
    expect(firing.summary).toEqual(['fired:warning@60']);
    const hovering = rounds(replicaLag, [0.9, 1.2, 0.8, 1.1, 0.95, 1.3, 0.9, 0.99, 0.7, 1.01], firing.state, 5);
    expect(hovering.summary).toEqual([]);
    expect(hovering.state.phase).toBe('firing');
    // Good from index 15 (225 s): resolved at 225 + 60 s.
    const settling = rounds(replicaLag, repeat(0.2, 5), hovering.state, 15);
    expect(settling.summary).toEqual(['resolved:warning@285']);
    expect(settling.state).toEqual({ ...INITIAL_MACHINE_STATE, lastValue: 0.2, lastSampleAt: new Date(T0 + 285_000).toISOString() });
  });

  it('keeps waiting across a gap while pending: missing samples neither reset nor fire', () => {
    const gap = rounds(replicaLag, [2, null, null, null, null, null, null]);
    expect(gap.summary).toEqual([]);
    expect(gap.state).toMatchObject({ phase: 'pending', badSince: new Date(T0).toISOString(), lastValue: 2 });
    // The next bad sample after the gap: the condition has held since T0.
    expect(rounds(replicaLag, [2], gap.state, 7).summary).toEqual(['fired:warning@105']);
    // A good one after the gap: back to ok, nothing fired.
    expect(rounds(replicaLag, [0.1], gap.state, 7)).toMatchObject({ summary: [], state: { phase: 'ok', badSince: null } });
  });

  it('keeps firing across a gap while resolving: missing samples never resolve, the good run resumes after them', () => {
    const firing = rounds(replicaLag, repeat(3, 5)).state;
    const onlyGaps = rounds(replicaLag, repeat(null, 40), firing, 5);
    expect(onlyGaps.summary).toEqual([]);
    expect(onlyGaps.state.phase).toBe('firing');
    // Good at 75 s, then missing samples, then good at 150 s: the good side held 75 s ≥ 60 s.
    const resolving = rounds(replicaLag, [0.5, null, null, null, null, 0.5], firing, 5);
    expect(resolving.summary).toEqual(['resolved:warning@150']);
    // A bad sample in between restarts the good run.
    const interrupted = rounds(replicaLag, [0.5, null, 3, null, 0.5, 0.5, 0.5, 0.5, 0.5], firing, 5);
    expect(interrupted.summary).toEqual(['resolved:warning@195']);
  });

  it('escalates warning → critical and back within one event, each after `for` at the new level', () => {
    const { summary, transitions, state } = rounds(replicaLag, [...repeat(2, 5), ...repeat(12, 5), ...repeat(5, 5)]);
    expect(summary).toEqual(['fired:warning@60', 'escalated:critical@135', 'deescalated:warning@210']);
    expect(transitions.map((t) => t.value)).toEqual([2, 12, 5]);
    expect(state).toMatchObject({ phase: 'firing', severity: 'warning', peakSeverity: 'critical', peakValue: 12, lastValue: 5 });
    const resolved = rounds(replicaLag, repeat(0.1, 5), state, 15);
    expect(resolved.summary).toEqual(['resolved:warning@285']);
  });

  it('does not escalate or de-escalate on a value hovering at the critical threshold', () => {
    const atWarning = rounds(replicaLag, repeat(3, 5)).state;
    expect(rounds(replicaLag, [11, 9, 12, 8, 10.5, 9.9, 11, 9], atWarning, 5).summary).toEqual([]);
    const atCritical = rounds(replicaLag, repeat(20, 5)).state;
    expect(atCritical.severity).toBe('critical');
    expect(rounds(replicaLag, [9, 11, 8, 12, 9.5, 10.5, 9, 11], atCritical, 5).summary).toEqual([]);
  });

  it('fires at critical when critical held for `for`, else at warning and escalates later', () => {
    expect(rounds(replicaLag, repeat(15, 5)).summary).toEqual(['fired:critical@60']);
    expect(rounds(replicaLag, [2, 2, 2, 15, 15, 15, 15, 15, 15]).summary).toEqual(['fired:warning@60', 'escalated:critical@105']);
  });

  it('resolves straight from critical when the value drops to good for `for`', () => {
    const { summary, state } = rounds(replicaLag, [...repeat(15, 5), ...repeat(0, 5)]);
    expect(summary).toEqual(['fired:critical@60', 'resolved:critical@135']);
    expect(state.phase).toBe('ok');
  });

  it('fires at the first bad sample and resolves at the first good one when `for` is 0', () => {
    const rule: RuleThresholds = { ...replicaLag, forSeconds: 0 };
    expect(rounds(rule, [0, 2, 2, 12, 0, 0]).summary).toEqual(['fired:warning@15', 'escalated:critical@45', 'resolved:critical@60']);
    expect(rounds(rule, [12]).summary).toEqual(['fired:critical@0']);
  });

  it('reads < comparators the other way round: a falling cache hit ratio, its peak the lowest value', () => {
    const { summary, state } = rounds(cacheHit, [95, 85, 84, 86, 75, 70, 78]);
    expect(summary).toEqual(['fired:warning@45', 'escalated:critical@90']);
    expect(state).toMatchObject({ peakValue: 70, lastValue: 78, peakSeverity: 'critical' });
    expect(rounds(cacheHit, [95, 96, 97], state, 7)).toMatchObject({ summary: ['resolved:critical@135'] });
  });

  it('evaluates a critical-only rule: a node down 30 s is critical at once, never a warning', () => {
    const down = rounds(nodeDown, [1, 0, 0, 0, 1, 1, 1]);
    expect(down.summary).toEqual(['fired:critical@45', 'resolved:critical@90']);
    const archiving: RuleThresholds = { comparator: '>', warning: null, critical: 0, forSeconds: 0 };
    expect(rounds(archiving, [0, 0, 0.5, 0]).summary).toEqual(['fired:critical@30', 'resolved:critical@45']);
  });

  it('evaluates a warning-only rule: never escalates however bad the value gets', () => {
    expect(rounds(idleInTransaction, [5, 61, 600, 86_000, 3]).summary).toEqual(['fired:warning@15', 'resolved:warning@60']);
  });

  it('adds nothing when a retried round re-feeds samples it has seen', () => {
    const samples = samplesOf([2, 2, 2, 2, 2, 12, 12]);
    const first = advanceAlert(replicaLag, samples, INITIAL_MACHINE_STATE);
    expect(first.transitions.map((t) => t.kind)).toEqual(['fired']);
    const again = advanceAlert(replicaLag, samples, first.state);
    expect(again).toEqual({ state: first.state, transitions: [] });
    // The window of the next round overlaps this one: only the new sample counts.
    const next = advanceAlert(replicaLag, [...samples.slice(2), ...samplesOf([12, 12, 12], 7)], first.state);
    expect(next.transitions.map((t) => `${t.kind}@${secondsOf(t)}`)).toEqual(['escalated@135']);
  });

  it('takes samples in time order whatever order they come in', () => {
    const shuffled = samplesOf([2, 2, 2, 2, 2]).reverse();
    expect(advanceAlert(replicaLag, shuffled, INITIAL_MACHINE_STATE).transitions.map(secondsOf)).toEqual([60]);
  });

  it('pauses on a down node: paused samples never resolve, never reset, never fire', () => {
    const firing = rounds(replicaLag, repeat(3, 5)).state;
    const paused = rounds(replicaLag, repeat('paused', 20), firing, 5);
    expect(paused.summary).toEqual([]);
    expect(paused.state).toMatchObject({ phase: 'firing', lastValue: 3, goodSince: null });
    expect(paused.state.lastSampleAt).toBe(new Date(T0 + 24 * STEP_S * 1000).toISOString());
    // Back up and good: the good run starts at the first good sample, not during the pause.
    expect(rounds(replicaLag, repeat(0.1, 5), paused.state, 25).summary).toEqual(['resolved:warning@435']);
    // Paused while pending: neither fires nor resets; a bad sample after it fires.
    const pending = rounds(replicaLag, [2, 'paused', 'paused', 'paused', 'paused', 'paused']);
    expect(pending.summary).toEqual([]);
    expect(pending.state.phase).toBe('pending');
    expect(rounds(replicaLag, [2], pending.state, 6).summary).toEqual(['fired:warning@90']);
  });

  it('stops a batch at a resolve and leaves the samples after it for the next call', () => {
    const rule: RuleThresholds = { ...replicaLag, forSeconds: 0 };
    const samples = samplesOf([2, 0, 3]);
    const first = advanceAlert(rule, samples, INITIAL_MACHINE_STATE);
    expect(first.transitions.map((t) => t.kind)).toEqual(['fired', 'resolved']);
    expect(first.state.lastSampleAt).toBe(samples[1].at.toISOString());
    const second = advanceAlert(rule, samples, first.state);
    expect(second.transitions.map((t) => `${t.kind}@${secondsOf(t)}`)).toEqual(['fired@30']);
  });
});
