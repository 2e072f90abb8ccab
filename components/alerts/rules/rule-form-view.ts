import type { AlertRule, AlertRulePatch, RuleScope } from '@/lib/alerts/alert-model';
import type { AlertUnit } from '@/lib/alerts/alert-metrics';
import type { AlertRuleMetricInfo, RuleField, RuleSettings } from '@/lib/alerts/rule-validation';
import type { AuditRow } from '@/lib/auth/audit';

/**
 * The alert rules editor's form: what an admin types (thresholds in the
 * metric's unit, byte sizes in GiB; `for` in seconds) ⇄ the patch the API
 * takes (bytes), and the wording of rules and their audited changes. Only
 * the syntax is checked here (a number or empty); ranges and the order of
 * warning and critical are the server's (its 400 names the field). Pure;
 * unit-tested in tests/unit/rule-validation.test.ts.
 */

const GiB = 1024 ** 3;

export const THRESHOLD_FIELDS = ['warning', 'critical'] as const;
export type ThresholdField = (typeof THRESHOLD_FIELDS)[number];

/** The unit an admin types a threshold in, and how many of the metric's unit one of it is. */
export function inputUnitOf(unit: AlertUnit): { label: string; factor: number } {
  switch (unit) {
    case 'bytes':
      // Every seeded size is a whole number of GiB; typing 53687091200 is how typos happen.
      return { label: 'GiB', factor: GiB };
    case '/min':
      return { label: 'per min', factor: 1 };
    case 'bool':
      return { label: '', factor: 1 };
    default:
      return { label: unit, factor: 1 };
  }
}

/** Up to six decimals, no trailing zeros, no thousands separators (the text goes back into an input). */
function plain(value: number): string {
  return String(Number(value.toFixed(6)));
}

export function thresholdToInput(value: number | null, unit: AlertUnit): string {
  return value === null ? '' : plain(value / inputUnitOf(unit).factor);
}

/** A threshold as the operator reads it, in the unit it is typed in: "80 %", "1 s", "10 GiB", "0 per min". */
export function formatThresholdValue(value: number | null, unit: AlertUnit): string {
  if (value === null) return 'none';
  // Sizes of a TiB and more read better in TiB ("1,024 TiB", not "1,048,576 GiB").
  if (unit === 'bytes' && value >= 1024 * GiB) return `${(value / (1024 * GiB)).toLocaleString('en-US', { maximumFractionDigits: 3 })} TiB`;
  const { label, factor } = inputUnitOf(unit);
  const amount = (value / factor).toLocaleString('en-US', { maximumFractionDigits: 3 });
  return label ? `${amount} ${label}` : amount;
}

/** Typed number text: spaces, commas and underscores as thousands separators are fine ("2,000"). */
function numberText(text: string): string {
  return text.trim().replace(/[\s,_]/g, '');
}

export type ParsedInput = { value: number | null; error?: undefined } | { value?: undefined; error: string };

/** Empty: no threshold at that level. Otherwise a number in the input unit, converted to the metric's. */
export function parseThresholdInput(text: string, unit: AlertUnit): ParsedInput {
  const digits = numberText(text);
  if (digits === '') return { value: null };
  const { label, factor } = inputUnitOf(unit);
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(digits)) return { error: `must be a number${label ? ` of ${label}` : ''}, or empty for no level` };
  const value = Number(digits) * factor;
  return { value: unit === 'bytes' ? Math.round(value) : value };
}

export function parseForSecondsInput(text: string): ParsedInput {
  const digits = numberText(text);
  if (!/^-?\d+$/.test(digits)) return { error: 'must be a whole number of seconds' };
  return { value: Number(digits) };
}

export interface RuleDraft {
  warning: string;
  critical: string;
  forSeconds: string;
  enabled: boolean;
}

export function draftFromRule(rule: RuleSettings, unit: AlertUnit): RuleDraft {
  return {
    warning: thresholdToInput(rule.warning, unit),
    critical: thresholdToInput(rule.critical, unit),
    forSeconds: String(rule.forSeconds),
    enabled: rule.enabled,
  };
}

/**
 * The patch the draft says: only the fields whose text differs from what the
 * saved rule shows (an untouched byte threshold keeps its exact bytes), or
 * the syntax errors per field.
 */
export function patchFromDraft(draft: RuleDraft, saved: RuleSettings, unit: AlertUnit): { patch: AlertRulePatch; errors: Partial<Record<RuleField, string>> } {
  const shown = draftFromRule(saved, unit);
  const patch: AlertRulePatch = {};
  const errors: Partial<Record<RuleField, string>> = {};
  for (const field of THRESHOLD_FIELDS) {
    if (numberText(draft[field]) === numberText(shown[field])) continue;
    const parsed = parseThresholdInput(draft[field], unit);
    if (parsed.error !== undefined) errors[field] = parsed.error;
    else patch[field] = parsed.value;
  }
  if (numberText(draft.forSeconds) !== shown.forSeconds) {
    const parsed = parseForSecondsInput(draft.forSeconds);
    if (parsed.error !== undefined || parsed.value === null) errors.forSeconds = parsed.error ?? 'required';
    else patch.forSeconds = parsed.value;
  }
  if (draft.enabled !== saved.enabled) patch.enabled = draft.enabled;
  return { patch, errors };
}

/** A server field name, when it is one of the rule's inputs (else the message shows below the row). */
export function asRuleField(field: string | undefined): RuleField | null {
  return field === 'warning' || field === 'critical' || field === 'forSeconds' || field === 'enabled' ? field : null;
}

export function scopeLabel(rule: { scope: RuleScope; shardId: string | null; nodeId: string | null }): string {
  if (rule.scope === 'fleet') return 'Fleet default';
  if (rule.scope === 'shard') return `Shard ${rule.shardId}`;
  return `Node ${rule.nodeId} (${rule.shardId})`;
}

const COMPARATOR_WORDS: Record<AlertRule['comparator'], string> = { '>': 'above', '>=': 'at or above', '<': 'below', '<=': 'at or below' };

/** "fires when above the threshold for `for` seconds", or the node-down wording. */
export function conditionSentence(metric: Pick<AlertRuleMetricInfo, 'metric' | 'comparator' | 'unit' | 'min' | 'max'>): string {
  if (metric.unit === 'bool') return 'fires when a node has not answered for the whole “for”';
  const { label } = inputUnitOf(metric.unit);
  return (
    `fires when ${COMPARATOR_WORDS[metric.comparator]} a threshold for the whole “for”; ` +
    `thresholds in ${label}, from ${formatThresholdValue(metric.min, metric.unit)} to ${formatThresholdValue(metric.max, metric.unit)}`
  );
}

// ---------------------------------------------------------------- recent changes (audit rows)

const FIELD_LABELS: Record<RuleField, string> = { warning: 'warning', critical: 'critical', forSeconds: 'for', enabled: 'enabled' };

export interface FieldChange {
  field: RuleField;
  label: string;
  /** In the metric's unit (raw), for data attributes. */
  before: RuleSettings[RuleField] | undefined;
  after: RuleSettings[RuleField] | undefined;
  text: string;
}

export interface RuleChangeView {
  id: string;
  at: string;
  actor: string;
  verb: 'changed' | 'added' | 'removed';
  metricLabel: string;
  scope: string;
  changes: FieldChange[];
}

interface RuleAuditDetail {
  metric?: string;
  scope?: RuleScope;
  shardId?: string | null;
  nodeId?: string | null;
  before?: RuleSettings | null;
  after?: RuleSettings | null;
}

function settingText(field: RuleField, value: RuleSettings[RuleField] | undefined, unit: AlertUnit): string {
  if (value === undefined) return '?';
  if (field === 'enabled') return value ? 'on' : 'off';
  if (field === 'forSeconds') return `${value} s`;
  return formatThresholdValue(value as number | null, unit);
}

/**
 * One audit row of an alert rule change in words: who, when, which rule,
 * and each field that changed (an added override lists what it was created
 * with, a removed one what it had).
 */
export function describeRuleChange(entry: AuditRow, metrics: readonly AlertRuleMetricInfo[]): RuleChangeView {
  const detail = entry.detail as RuleAuditDetail;
  const metric = metrics.find((candidate) => candidate.metric === detail.metric);
  const unit: AlertUnit = metric?.unit ?? '%';
  const before = detail.before ?? null;
  const after = detail.after ?? null;
  const verb = entry.action === 'alert_rule.create' ? 'added' : entry.action === 'alert_rule.delete' ? 'removed' : 'changed';
  const fields = (['warning', 'critical', 'forSeconds', 'enabled'] as const).filter((field) =>
    before && after ? before[field] !== after[field] : true,
  );
  const changes = fields.map((field): FieldChange => {
    const from = before?.[field];
    const to = after?.[field];
    const text =
      before && after
        ? `${FIELD_LABELS[field]} ${settingText(field, from, unit)} → ${settingText(field, to, unit)}`
        : `${FIELD_LABELS[field]} ${settingText(field, after ? to : from, unit)}`;
    return { field, label: FIELD_LABELS[field], before: from, after: to, text };
  });
  return {
    id: entry.id,
    at: entry.at,
    actor: entry.actor,
    verb,
    metricLabel: metric?.label ?? detail.metric ?? entry.target ?? 'alert rule',
    scope: detail.scope ? scopeLabel({ scope: detail.scope, shardId: detail.shardId ?? null, nodeId: detail.nodeId ?? null }) : '',
    changes,
  };
}
