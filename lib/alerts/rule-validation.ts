import { z, type ZodError, type ZodType } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { formatBytes } from '@/lib/format';
import type { AlertRule, AlertRuleOverrideInput, AlertRulePatch, Comparator, TargetKind } from './alert-model';
import { ALERT_METRIC_NAMES, ALERT_METRICS, NODE_DOWN_METRIC, findAlertMetric, type AlertMetricSpec, type AlertUnit } from './alert-metrics';

/**
 * What an admin may set on an alert rule. Pure: the body schemas (strict),
 * the checks on the merged rule (patch over the current values: thresholds
 * in the metric's range, warning and critical ordered for the comparator, at
 * least one of them set, node-down thresholds fixed) and on an override's
 * target (a shard of the fleet file, a node of that shard). Every refusal is
 * an ApiError 400 naming the field the admin is changing. Unit-tested.
 */

/** A rule's `for`: at most an hour (a condition held longer than that is not worth waiting for). */
export const MAX_FOR_SECONDS = 3600;

export const RULE_FIELDS = ['warning', 'critical', 'forSeconds', 'enabled'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

/** The editable part of a rule: what an audit row's before/after records. */
export type RuleSettings = Pick<AlertRule, RuleField>;

/** What the settings page needs to show and convert a metric's thresholds (GET /api/alert-rules `metrics`). */
export type AlertRuleMetricInfo = Pick<AlertMetricSpec, 'metric' | 'label' | 'unit' | 'target' | 'roles' | 'comparator' | 'min' | 'max'>;

/** GET /api/alert-rules. */
export interface AlertRuleList {
  rules: AlertRule[];
  metrics: AlertRuleMetricInfo[];
}

/** PUT /api/alert-rules/:id. */
export interface AlertRuleUpdate {
  before: AlertRule;
  after: AlertRule;
}

/** The shards and nodes an override may name (from the fleet file). */
export interface RuleTopologyShard {
  id: string;
  nodes: readonly { id: string; role: 'primary' | 'replica' }[];
}

export function alertRuleMetricInfo(): AlertRuleMetricInfo[] {
  return ALERT_METRIC_NAMES.map((name) => {
    const { metric, label, unit, target, roles, comparator, min, max } = ALERT_METRICS.get(name)!;
    return { metric, label, unit, target, roles, comparator, min, max };
  });
}

// ---------------------------------------------------------------- body schemas

const threshold = (field: 'warning' | 'critical') =>
  z.number({ error: `${field} must be a number in the metric's unit, or null for no ${field} level` }).nullable();

const FOR_MESSAGE = `forSeconds must be a whole number of seconds between 0 and ${MAX_FOR_SECONDS} (1 h)`;

const patchShape = {
  warning: threshold('warning').optional(),
  critical: threshold('critical').optional(),
  forSeconds: z.number({ error: FOR_MESSAGE }).int(FOR_MESSAGE).min(0, FOR_MESSAGE).max(MAX_FOR_SECONDS, FOR_MESSAGE).optional(),
  enabled: z.boolean({ error: 'enabled must be true or false' }).optional(),
};

export const rulePatchSchema = z.strictObject(patchShape);

export const ruleOverrideSchema = z.strictObject({
  metric: z.string({ error: 'metric is required' }),
  scope: z.enum(['shard', 'node'], { error: "scope must be 'shard' or 'node'" }),
  shardId: z.string({ error: 'shardId is required' }).min(1, 'shardId is required'),
  nodeId: z.string({ error: 'nodeId must be a node id' }).min(1, 'nodeId must be a node id').nullish(),
  ...patchShape,
});

/** A zod refusal as the 400 the operator sees: an unknown field is named, not just "unrecognized keys". */
function toBadRequest(error: ZodError, allowed: readonly string[]): ApiError {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const field = issue.keys[0];
    return new ApiError('bad_request', `${field} is not a field of an alert rule (allowed: ${allowed.join(', ')})`, field);
  }
  const field = issue?.path.join('.') || 'body';
  const message = issue?.message ?? 'invalid';
  return new ApiError('bad_request', message.startsWith(field) ? message : `${field}: ${message}`, field);
}

function parseStrict<S extends ZodType>(schema: S, body: unknown, allowed: readonly string[]): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw toBadRequest(result.error, allowed);
  return result.data;
}

/** PUT body: any of warning, critical, forSeconds, enabled (at least one), nothing else. */
export function parseRulePatch(body: unknown): AlertRulePatch {
  const patch = parseStrict(rulePatchSchema, body, RULE_FIELDS);
  if (!RULE_FIELDS.some((field) => patch[field] !== undefined)) {
    throw new ApiError('bad_request', `nothing to change: send any of ${RULE_FIELDS.join(', ')}`, 'body');
  }
  return patch;
}

/** POST body: metric, scope, shardId, nodeId (node scope) and any of the rule fields. */
export function parseRuleOverride(body: unknown): AlertRuleOverrideInput {
  const input = parseStrict(ruleOverrideSchema, body, ['metric', 'scope', 'shardId', 'nodeId', ...RULE_FIELDS]);
  return { ...input, nodeId: input.nodeId ?? null };
}

// ---------------------------------------------------------------- the merged rule

/** A threshold as the operator reads it: in the metric's unit, bytes in binary units. */
export function formatThreshold(value: number, unit: AlertUnit): string {
  if (unit === 'bytes') return formatBytes(value);
  const amount = value.toLocaleString('en-US', { maximumFractionDigits: 6 });
  if (unit === '/min') return `${amount}/min`;
  if (unit === 'bool') return amount;
  return `${amount} ${unit}`;
}

export function mergeRule(current: RuleSettings, patch: AlertRulePatch): RuleSettings {
  return {
    warning: patch.warning !== undefined ? patch.warning : current.warning,
    critical: patch.critical !== undefined ? patch.critical : current.critical,
    forSeconds: patch.forSeconds ?? current.forSeconds,
    enabled: patch.enabled ?? current.enabled,
  };
}

export interface RuleProblem {
  field: RuleField;
  message: string;
}

const isHigherWorse = (comparator: Comparator) => comparator === '>' || comparator === '>=';

/**
 * What is wrong with `patch` over `current` for a rule of `spec` with
 * `comparator`, or null. The field named is the one the patch changes (a
 * critical typed below an unchanged warning names critical).
 */
export function ruleProblem(spec: AlertMetricSpec, comparator: Comparator, current: RuleSettings, patch: AlertRulePatch): RuleProblem | null {
  const merged = mergeRule(current, patch);
  const changing = (field: 'warning' | 'critical') => patch[field] !== undefined;

  if (spec.metric === NODE_DOWN_METRIC) {
    for (const field of ['warning', 'critical'] as const) {
      if (changing(field) && patch[field] !== current[field]) {
        return {
          field,
          message: `${field}: the ${spec.label} rule has no threshold to change (a node answers or it does not); change forSeconds or enabled instead`,
        };
      }
    }
  }

  if (merged.warning === null && merged.critical === null) {
    const field = changing('warning') && !changing('critical') ? 'warning' : 'critical';
    return { field, message: `${field}: a rule needs a warning or a critical threshold (to silence it, disable it instead)` };
  }

  const rangeOrder: ('warning' | 'critical')[] = changing('warning') ? ['warning', 'critical'] : ['critical', 'warning'];
  for (const field of rangeOrder) {
    const value = merged[field];
    if (value !== null && (!Number.isFinite(value) || value < spec.min || value > spec.max)) {
      return {
        field,
        message: `${field} (${formatThreshold(value, spec.unit)}) must be between ${formatThreshold(spec.min, spec.unit)} and ${formatThreshold(spec.max, spec.unit)} for ${spec.label}`,
      };
    }
  }

  const { warning, critical } = merged;
  if (warning !== null && critical !== null) {
    const ordered = isHigherWorse(comparator) ? critical > warning : critical < warning;
    if (!ordered) {
      const w = formatThreshold(warning, spec.unit);
      const c = formatThreshold(critical, spec.unit);
      const criticalSide = isHigherWorse(comparator) ? 'above' : 'below';
      const warningSide = isHigherWorse(comparator) ? 'below' : 'above';
      if (changing('warning') && !changing('critical')) {
        return { field: 'warning', message: `warning (${w}) must be ${warningSide} critical (${c}) for a '${comparator}' rule` };
      }
      return { field: 'critical', message: `critical (${c}) must be ${criticalSide} warning (${w}) for a '${comparator}' rule` };
    }
  }
  return null;
}

/** The merged rule, or a 400 naming the field (nothing is saved). */
export function checkRuleChange(spec: AlertMetricSpec, comparator: Comparator, current: RuleSettings, patch: AlertRulePatch): RuleSettings {
  const problem = ruleProblem(spec, comparator, current, patch);
  if (problem) throw new ApiError('bad_request', problem.message, problem.field);
  return mergeRule(current, patch);
}

// ---------------------------------------------------------------- an override's target

/** Node overrides only where a rule is evaluated per node (the node itself or its host), not per pool or tenant. */
const NODE_TARGETS: readonly TargetKind[] = ['node', 'host'];

/**
 * The metric of an override, after checking what it names: a metric of the
 * allowlist, a shard of the fleet file, a node of that shard (node scope,
 * of a role the metric is evaluated on), nothing else.
 */
export function checkOverrideTarget(input: AlertRuleOverrideInput, shards: readonly RuleTopologyShard[]): AlertMetricSpec {
  const spec = findAlertMetric(input.metric);
  if (!spec) throw new ApiError('bad_request', `metric "${input.metric}" is not an alert metric (one of: ${ALERT_METRIC_NAMES.join(', ')})`, 'metric');
  const shard = shards.find((candidate) => candidate.id === input.shardId);
  if (!shard) {
    throw new ApiError('bad_request', `shardId "${input.shardId}" is not a shard of the fleet (${shards.map((candidate) => candidate.id).join(', ')})`, 'shardId');
  }
  if (input.scope === 'shard') {
    if (input.nodeId) throw new ApiError('bad_request', "nodeId: a shard override names no node (use scope 'node' for one node)", 'nodeId');
    return spec;
  }
  if (!NODE_TARGETS.includes(spec.target)) {
    const per = spec.target === 'pool' ? "per shard (its PgBouncer)" : 'per tenant';
    throw new ApiError('bad_request', `scope: ${spec.label} is evaluated ${per}, not per node: add a shard override instead`, 'scope');
  }
  if (!input.nodeId) throw new ApiError('bad_request', 'nodeId is required for a node override', 'nodeId');
  const node = shard.nodes.find((candidate) => candidate.id === input.nodeId);
  if (!node) {
    throw new ApiError('bad_request', `nodeId "${input.nodeId}" is not a node of ${shard.id} (${shard.nodes.map((candidate) => candidate.id).join(', ')})`, 'nodeId');
  }
  if (!spec.roles.includes(node.role)) {
    throw new ApiError('bad_request', `nodeId: ${spec.label} is only evaluated on ${spec.roles.join(' and ')} nodes; ${node.id} is a ${node.role}`, 'nodeId');
  }
  return spec;
}
