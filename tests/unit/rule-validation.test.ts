import { describe, expect, it } from 'vitest';
import { findAlertMetric, type AlertMetricSpec } from '@/lib/alerts/alert-metrics';
import type { Comparator } from '@/lib/alerts/alert-model';
import {
  checkOverrideTarget,
  checkRuleChange,
  parseRuleOverride,
  parseRulePatch,
  ruleProblem,
  type RuleSettings,
  type RuleTopologyShard,
} from '@/lib/alerts/rule-validation';
import { ApiError } from '@/lib/api/errors';
import type { AuditRow } from '@/lib/auth/audit';
import { describeRuleChange, draftFromRule, parseThresholdInput, patchFromDraft } from '@/components/alerts/rules/rule-form-view';

const spec = (metric: string): AlertMetricSpec => findAlertMetric(metric)!;
const settings = (warning: number | null, critical: number | null, forSeconds = 60, enabled = true): RuleSettings => ({ warning, critical, forSeconds, enabled });

/** The 400 a change gets: its field and message, or null when it is accepted. */
function refusal(run: () => unknown): { field?: string; message: string; status: number } | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { field: error.field, message: error.message, status: error.status };
  }
}

const connections = spec('connections_pct');
const cacheHit = spec('cache_hit_pct');

describe('warning and critical order for each comparator', () => {
  const cases: { comparator: Comparator; good: [number, number]; bad: [number, number]; side: string }[] = [
    { comparator: '>', good: [80, 90], bad: [80, 50], side: 'above' },
    { comparator: '>=', good: [80, 100], bad: [100, 80], side: 'above' },
    { comparator: '<', good: [90, 80], bad: [80, 90], side: 'below' },
    { comparator: '<=', good: [90, 80], bad: [70, 75], side: 'below' },
  ];
  for (const { comparator, good, bad, side } of cases) {
    it(`accepts critical ${side} warning for a '${comparator}' rule and refuses the reverse and equality`, () => {
      expect(ruleProblem(connections, comparator, settings(50, 60), { warning: good[0], critical: good[1] })).toBeNull();
      const reversed = ruleProblem(connections, comparator, settings(50, 60), { warning: bad[0], critical: bad[1] });
      expect(reversed).toEqual({
        field: 'critical',
        message: `critical (${bad[1]} %) must be ${side} warning (${bad[0]} %) for a '${comparator}' rule`,
      });
      expect(ruleProblem(connections, comparator, settings(50, 60), { warning: 70, critical: 70 })?.field).toBe('critical');
    });
  }

  it('names critical when only critical changes, with the wording of the issue', () => {
    const problem = refusal(() => checkRuleChange(connections, '>', settings(80, 90), { critical: 50 }));
    expect(problem).toEqual({ field: 'critical', message: "critical (50 %) must be above warning (80 %) for a '>' rule", status: 400 });
  });

  it('names warning when only warning changes', () => {
    expect(ruleProblem(connections, '>', settings(80, 90), { warning: 95 })).toEqual({
      field: 'warning',
      message: "warning (95 %) must be below critical (90 %) for a '>' rule",
    });
    expect(ruleProblem(cacheHit, '<', settings(90, 80), { warning: 70 })).toEqual({
      field: 'warning',
      message: "warning (70 %) must be above critical (80 %) for a '<' rule",
    });
  });
});

describe('checks on the merged rule', () => {
  it('checks the patch against the current values it does not change', () => {
    // Lowering critical alone is fine while it stays above the saved warning, refused once it crosses it.
    expect(checkRuleChange(connections, '>', settings(80, 90), { critical: 85 })).toEqual(settings(80, 85));
    expect(ruleProblem(connections, '>', settings(80, 90), { critical: 80 })?.field).toBe('critical');
    // Moving both at once past each other's old value is one consistent rule.
    expect(checkRuleChange(connections, '>', settings(80, 90), { warning: 92, critical: 95 })).toEqual(settings(92, 95));
  });

  it('keeps the values the patch leaves out, and lets one level go', () => {
    expect(checkRuleChange(connections, '>', settings(80, 90, 60, true), { enabled: false })).toEqual(settings(80, 90, 60, false));
    expect(checkRuleChange(connections, '>', settings(80, 90), { warning: null })).toEqual(settings(null, 90));
    // With no warning there is nothing to order against.
    expect(checkRuleChange(connections, '>', settings(null, 90), { critical: 10 })).toEqual(settings(null, 10));
  });

  it('refuses a rule with neither level, naming the one being cleared', () => {
    expect(ruleProblem(connections, '>', settings(null, 90), { critical: null })?.field).toBe('critical');
    expect(ruleProblem(connections, '>', settings(80, null), { warning: null })?.field).toBe('warning');
    expect(ruleProblem(connections, '>', settings(80, 90), { warning: null, critical: null })?.message).toMatch(/needs a warning or a critical/);
  });

  it('refuses thresholds outside the metric range, in its unit', () => {
    expect(ruleProblem(connections, '>', settings(80, 90), { critical: 101 })).toEqual({
      field: 'critical',
      message: 'critical (101 %) must be between 0 % and 100 % for Connections (% of max)',
    });
    expect(ruleProblem(connections, '>', settings(80, 90), { warning: -1 })?.field).toBe('warning');
    expect(ruleProblem(spec('replica_lag_seconds'), '>', settings(1, 10), { critical: 86_401 })?.field).toBe('critical');
    expect(ruleProblem(spec('db_size_bytes'), '>', settings(10 * 1024 ** 3, 50 * 1024 ** 3), { critical: 2 * 1024 ** 5 })?.message).toMatch(
      /between 0 B and 1024\.0 TiB/,
    );
    expect(ruleProblem(connections, '>', settings(80, 90), { critical: Number.POSITIVE_INFINITY })?.field).toBe('critical');
    expect(ruleProblem(connections, '>', settings(80, 90), { warning: 0, critical: 100 })).toBeNull();
  });

  it('keeps the node-down rule to its for and enabled flag', () => {
    const nodeUp = spec('node_up');
    expect(ruleProblem(nodeUp, '<', settings(null, 1, 30), { critical: 0.5 })).toMatchObject({ field: 'critical', message: /no threshold to change/ });
    expect(ruleProblem(nodeUp, '<', settings(null, 1, 30), { warning: 0.5 })).toMatchObject({ field: 'warning' });
    expect(checkRuleChange(nodeUp, '<', settings(null, 1, 30), { forSeconds: 60, critical: 1 })).toEqual(settings(null, 1, 60));
  });
});

describe('the PUT body', () => {
  it('takes any of the four fields', () => {
    expect(parseRulePatch({ warning: 2 })).toEqual({ warning: 2 });
    expect(parseRulePatch({ warning: null, critical: 5, forSeconds: 0, enabled: false })).toEqual({ warning: null, critical: 5, forSeconds: 0, enabled: false });
  });

  it('refuses unknown fields by name (strict)', () => {
    expect(refusal(() => parseRulePatch({ warning: 2, comparator: '<' }))).toMatchObject({ field: 'comparator', status: 400 });
    expect(refusal(() => parseRulePatch({ metric: 'disk_pct' }))).toMatchObject({ field: 'metric' });
  });

  it('keeps for between 0 and 3600 whole seconds', () => {
    for (const forSeconds of [3601, -1, 1.5, '60', null]) {
      expect(refusal(() => parseRulePatch({ forSeconds })), String(forSeconds)).toMatchObject({ field: 'forSeconds', status: 400 });
    }
    expect(parseRulePatch({ forSeconds: 3600 })).toEqual({ forSeconds: 3600 });
    expect(parseRulePatch({ forSeconds: 0 })).toEqual({ forSeconds: 0 });
  });

  it('refuses non-numbers, non-finite numbers and an empty body', () => {
    expect(refusal(() => parseRulePatch({ critical: '90' }))).toMatchObject({ field: 'critical' });
    expect(refusal(() => parseRulePatch({ warning: Number.NaN }))).toMatchObject({ field: 'warning' });
    expect(refusal(() => parseRulePatch({ warning: Number.POSITIVE_INFINITY }))).toMatchObject({ field: 'warning' });
    expect(refusal(() => parseRulePatch({ enabled: 'yes' }))).toMatchObject({ field: 'enabled' });
    expect(refusal(() => parseRulePatch({}))).toMatchObject({ field: 'body' });
    expect(refusal(() => parseRulePatch([1]))).toMatchObject({ field: 'body' });
  });
});

describe('an override target', () => {
  const shards: RuleTopologyShard[] = [
    { id: 'shard-1', nodes: [{ id: 'shard-1-primary', role: 'primary' }, { id: 'shard-1-replica-1', role: 'replica' }] },
    { id: 'shard-2', nodes: [{ id: 'shard-2-primary', role: 'primary' }] },
  ];
  const target = (input: Record<string, unknown>) => refusal(() => checkOverrideTarget(parseRuleOverride(input), shards));

  it('accepts a shard override and a node override of a node or host metric', () => {
    expect(target({ metric: 'connections_pct', scope: 'shard', shardId: 'shard-2' })).toBeNull();
    expect(target({ metric: 'replica_lag_seconds', scope: 'node', shardId: 'shard-1', nodeId: 'shard-1-replica-1', warning: 5 })).toBeNull();
    expect(target({ metric: 'disk_pct', scope: 'node', shardId: 'shard-1', nodeId: 'shard-1-primary' })).toBeNull();
    expect(target({ metric: 'pool_utilisation_pct', scope: 'shard', shardId: 'shard-1' })).toBeNull();
  });

  it('names what is wrong', () => {
    expect(target({ metric: 'tps', scope: 'shard', shardId: 'shard-1' })).toMatchObject({ field: 'metric', status: 400 });
    expect(target({ metric: 'connections_pct', scope: 'shard', shardId: 'shard-9' })).toMatchObject({ field: 'shardId' });
    expect(target({ metric: 'connections_pct', scope: 'node', shardId: 'shard-2', nodeId: 'shard-1-primary' })).toMatchObject({ field: 'nodeId' });
    expect(target({ metric: 'connections_pct', scope: 'node', shardId: 'shard-1' })).toMatchObject({ field: 'nodeId' });
    expect(target({ metric: 'connections_pct', scope: 'shard', shardId: 'shard-1', nodeId: 'shard-1-primary' })).toMatchObject({ field: 'nodeId' });
    expect(target({ metric: 'pool_utilisation_pct', scope: 'node', shardId: 'shard-1', nodeId: 'shard-1-primary' })).toMatchObject({ field: 'scope' });
    expect(target({ metric: 'tenant_limit_pct', scope: 'node', shardId: 'shard-1', nodeId: 'shard-1-primary' })).toMatchObject({ field: 'scope' });
    // Replica lag means nothing on a primary.
    expect(target({ metric: 'replica_lag_seconds', scope: 'node', shardId: 'shard-1', nodeId: 'shard-1-primary' })).toMatchObject({ field: 'nodeId' });
    expect(target({ metric: 'connections_pct', scope: 'fleet', shardId: 'shard-1' })).toMatchObject({ field: 'scope' });
    expect(target({ metric: 'connections_pct', scope: 'shard', shardId: 'shard-1', comparator: '<' })).toMatchObject({ field: 'comparator' });
  });
});

describe('the editor form', () => {
  const dbSize = spec('db_size_bytes');
  const saved = settings(10 * 1024 ** 3, 50 * 1024 ** 3, 300);

  it('shows byte thresholds in GiB and sends only what changed, in bytes', () => {
    const draft = draftFromRule(saved, dbSize.unit);
    expect(draft).toEqual({ warning: '10', critical: '50', forSeconds: '300', enabled: true });
    expect(patchFromDraft(draft, saved, dbSize.unit)).toEqual({ patch: {}, errors: {} });
    expect(patchFromDraft({ ...draft, warning: '12.5' }, saved, dbSize.unit).patch).toEqual({ warning: 12.5 * 1024 ** 3 });
    expect(patchFromDraft({ ...draft, critical: '', enabled: false }, saved, dbSize.unit).patch).toEqual({ critical: null, enabled: false });
  });

  it('catches text that is not a number before a round trip, and leaves ranges to the server', () => {
    expect(patchFromDraft({ ...draftFromRule(saved, dbSize.unit), warning: 'ten' }, saved, dbSize.unit).errors).toEqual({ warning: 'must be a number of GiB, or empty for no level' });
    expect(patchFromDraft({ ...draftFromRule(saved, dbSize.unit), forSeconds: '1.5' }, saved, dbSize.unit).errors).toEqual({ forSeconds: 'must be a whole number of seconds' });
    expect(patchFromDraft({ ...draftFromRule(saved, dbSize.unit), forSeconds: '3601' }, saved, dbSize.unit).patch).toEqual({ forSeconds: 3601 });
    expect(parseThresholdInput('2,000', 'ms')).toEqual({ value: 2000 });
  });

  it('describes an audited change field by field, before → after', () => {
    const entry: AuditRow = {
      id: '7',
      at: '2026-12-01T10:00:00.000Z',
      actor: 'admin',
      actorRole: 'admin',
      action: 'alert_rule.update',
      target: 'alert_rule:3',
      result: 'ok',
      detail: { metric: 'replica_lag_seconds', scope: 'fleet', shardId: null, nodeId: null, before: settings(1, 10), after: settings(2, 10) },
    };
    const metrics = [{ ...spec('replica_lag_seconds') }];
    const view = describeRuleChange(entry, metrics);
    expect(view).toMatchObject({ actor: 'admin', verb: 'changed', metricLabel: 'Replica lag', scope: 'Fleet default' });
    expect(view.changes).toEqual([{ field: 'warning', label: 'warning', before: 1, after: 2, text: 'warning 1 s → 2 s' }]);
    const added = describeRuleChange({ ...entry, action: 'alert_rule.create', detail: { ...entry.detail, scope: 'shard', shardId: 'shard-1', before: null } }, metrics);
    expect(added.verb).toBe('added');
    expect(added.scope).toBe('Shard shard-1');
    expect(added.changes.map((change) => change.text)).toEqual(['warning 2 s', 'critical 10 s', 'for 60 s', 'enabled on']);
  });
});

