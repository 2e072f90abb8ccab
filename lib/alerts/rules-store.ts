import type pg from 'pg';
import { ApiError } from '@/lib/api/errors';
import { writeAuditWith } from '@/lib/auth/audit';
import type { Session } from '@/lib/auth/session';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { getFleet } from '@/lib/fleet/topology';
import type { AlertRule, AlertRuleOverrideInput, AlertRulePatch, Comparator, RuleScope } from './alert-model';
import { ALERT_METRIC_NAMES, findAlertMetric } from './alert-metrics';
import {
  alertRuleMetricInfo,
  checkOverrideTarget,
  checkRuleChange,
  type AlertRuleList,
  type AlertRuleUpdate,
  type RuleSettings,
} from './rule-validation';

/**
 * Alert rules in the control DB (table alert_rules): list, edit, add and
 * remove overrides (admin). Every change commits with its audit row
 * (`alert_rule.update|create|delete`, target `alert_rule:<id>`, detail with
 * the rule's settings before and after) or not at all.
 */

const RULE_COLUMNS = `id, metric, scope, shard_id, node_id, comparator, warning, critical, for_seconds, enabled, updated_at, updated_by`;

const LIST_RULES_SQL = `
  select ${RULE_COLUMNS}
  from alert_rules
  order by metric, case scope when 'fleet' then 0 when 'shard' then 1 else 2 end, shard_id, node_id`;

/** One rule, locked so the checks and the change see the same values as any concurrent edit. */
const LOCK_RULE_SQL = `
  select ${RULE_COLUMNS}
  from alert_rules
  where id = $1
  for update`;

/** The fleet default an override starts from (its comparator is the override's). */
const FLEET_RULE_SQL = `
  select ${RULE_COLUMNS}
  from alert_rules
  where metric = $1
    and scope = 'fleet'`;

const EXISTING_OVERRIDE_SQL = `
  select id
  from alert_rules
  where metric = $1
    and scope = $2
    and shard_id = $3
    and node_id is not distinct from $4`;

const UPDATE_RULE_SQL = `
  update alert_rules
  set warning = $2,
      critical = $3,
      for_seconds = $4,
      enabled = $5,
      updated_at = now(),
      updated_by = $6
  where id = $1
  returning ${RULE_COLUMNS}`;

const INSERT_OVERRIDE_SQL = `
  insert into alert_rules (metric, scope, shard_id, node_id, comparator, warning, critical, for_seconds, enabled, updated_by)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
  returning ${RULE_COLUMNS}`;

const DELETE_RULE_SQL = `
  delete from alert_rules
  where id = $1`;

interface AlertRuleRow {
  id: string;
  metric: string;
  scope: RuleScope;
  shard_id: string | null;
  node_id: string | null;
  comparator: Comparator;
  warning: number | null;
  critical: number | null;
  for_seconds: number;
  enabled: boolean;
  updated_at: Date;
  updated_by: string | null;
}

function toAlertRule(row: AlertRuleRow): AlertRule {
  return {
    id: String(row.id),
    metric: row.metric,
    scope: row.scope,
    shardId: row.shard_id,
    nodeId: row.node_id,
    comparator: row.comparator,
    warning: row.warning,
    critical: row.critical,
    forSeconds: row.for_seconds,
    enabled: row.enabled,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

function settingsOf(rule: AlertRule): RuleSettings {
  return { warning: rule.warning, critical: rule.critical, forSeconds: rule.forSeconds, enabled: rule.enabled };
}

const metricOrder = (metric: string) => {
  const index = ALERT_METRIC_NAMES.indexOf(metric);
  return index === -1 ? ALERT_METRIC_NAMES.length : index;
};

/** Every rule, in the metrics' order (seed order), each fleet default before its overrides; with the metrics' display info. */
export async function listAlertRules(): Promise<AlertRuleList> {
  const { rows } = await getControlPool().query<AlertRuleRow>(LIST_RULES_SQL);
  // Stable sort: within a metric the SQL order (fleet, shard, node) stays.
  const rules = rows.map(toAlertRule).sort((a, b) => metricOrder(a.metric) - metricOrder(b.metric));
  return { rules, metrics: alertRuleMetricInfo() };
}

/** Ids are identity bigints: anything else cannot name a rule. */
function ruleIdOf(id: string): string {
  if (!/^[1-9]\d{0,17}$/.test(id)) throw new ApiError('not_found', `no alert rule ${id}`, 'id');
  return id;
}

async function lockRule(client: pg.PoolClient, id: string): Promise<AlertRule> {
  const { rows } = await client.query<AlertRuleRow>(LOCK_RULE_SQL, [ruleIdOf(id)]);
  if (rows.length === 0) throw new ApiError('not_found', `no alert rule ${id}`, 'id');
  return toAlertRule(rows[0]);
}

function requireSpec(rule: Pick<AlertRule, 'metric'>) {
  const spec = findAlertMetric(rule.metric);
  // A row no release knows (written by hand): refuse to guess its unit and range.
  if (!spec) throw new ApiError('conflict', `alert rule metric "${rule.metric}" is not one this console knows; edit it in the database`, 'metric');
  return spec;
}

function auditDetail(rule: AlertRule, before: RuleSettings | null, after: RuleSettings | null, extra: Record<string, unknown> = {}) {
  return { metric: rule.metric, scope: rule.scope, shardId: rule.shardId, nodeId: rule.nodeId, before, after, ...extra };
}

/** PUT: any of warning, critical, forSeconds, enabled over the rule's current values (admin, audited). */
export async function updateAlertRule(id: string, patch: AlertRulePatch, actor: Session): Promise<AlertRuleUpdate> {
  return withControlTransaction(async (client) => {
    const before = await lockRule(client, id);
    const settings = checkRuleChange(requireSpec(before), before.comparator, settingsOf(before), patch);
    const { rows } = await client.query<AlertRuleRow>(UPDATE_RULE_SQL, [
      before.id,
      settings.warning,
      settings.critical,
      settings.forSeconds,
      settings.enabled,
      actor.user,
    ]);
    const after = toAlertRule(rows[0]);
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'alert_rule.update',
      target: `alert_rule:${after.id}`,
      result: 'ok',
      detail: auditDetail(after, settingsOf(before), settingsOf(after)),
    });
    return { before, after };
  });
}

function topologyShards() {
  return getFleet().shards.map((shard) => ({ id: shard.id, nodes: shard.nodes.map((node) => ({ id: node.id, role: node.role })) }));
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

function duplicateOverride(input: AlertRuleOverrideInput, label: string, existingId?: string): ApiError {
  const where = input.scope === 'node' ? `node ${input.nodeId} of ${input.shardId}` : `shard ${input.shardId}`;
  return new ApiError(
    'conflict',
    `${label} already has an override for ${where}${existingId ? ` (rule ${existingId})` : ''}: edit that one instead`,
    input.scope === 'node' ? 'nodeId' : 'shardId',
  );
}

/**
 * POST: an override of a metric's fleet rule for one shard or node. Values
 * not given are copied from the fleet rule; the comparator is always the
 * fleet rule's. A second override of the same target is a 409.
 */
export async function createAlertRuleOverride(input: AlertRuleOverrideInput, actor: Session): Promise<AlertRule> {
  const spec = checkOverrideTarget(input, topologyShards());
  const nodeId = input.scope === 'node' ? input.nodeId! : null;
  try {
    return await withControlTransaction(async (client) => {
      const fleet = (await client.query<AlertRuleRow>(FLEET_RULE_SQL, [spec.metric])).rows.map(toAlertRule)[0];
      if (!fleet) throw new ApiError('conflict', `${spec.label} has no fleet rule to override`, 'metric');
      const existing = await client.query<{ id: string }>(EXISTING_OVERRIDE_SQL, [spec.metric, input.scope, input.shardId, nodeId]);
      if (existing.rows.length > 0) throw duplicateOverride(input, spec.label, String(existing.rows[0].id));
      const patch: AlertRulePatch = { warning: input.warning, critical: input.critical, forSeconds: input.forSeconds, enabled: input.enabled };
      const settings = checkRuleChange(spec, fleet.comparator, settingsOf(fleet), patch);
      const { rows } = await client.query<AlertRuleRow>(INSERT_OVERRIDE_SQL, [
        spec.metric,
        input.scope,
        input.shardId,
        nodeId,
        fleet.comparator,
        settings.warning,
        settings.critical,
        settings.forSeconds,
        settings.enabled,
        actor.user,
      ]);
      const rule = toAlertRule(rows[0]);
      await writeAuditWith(client, {
        actor: actor.user,
        actorRole: actor.role,
        action: 'alert_rule.create',
        target: `alert_rule:${rule.id}`,
        result: 'ok',
        detail: auditDetail(rule, null, settingsOf(rule), { copiedFromRuleId: fleet.id }),
      });
      return rule;
    });
  } catch (error) {
    // Two admins adding the same override at once: the unique index decides, the loser gets the same 409.
    if (isUniqueViolation(error)) throw duplicateOverride(input, spec.label);
    throw error;
  }
}

/** DELETE: overrides only; a fleet default can be disabled, never removed (409). */
export async function deleteAlertRuleOverride(id: string, actor: Session): Promise<AlertRule> {
  return withControlTransaction(async (client) => {
    const rule = await lockRule(client, id);
    if (rule.scope === 'fleet') {
      const label = findAlertMetric(rule.metric)?.label ?? rule.metric;
      throw new ApiError(
        'conflict',
        `rule ${rule.id} is the fleet default of ${label}: it cannot be removed (every target needs a rule); disable it instead`,
        'id',
      );
    }
    await client.query(DELETE_RULE_SQL, [rule.id]);
    await writeAuditWith(client, {
      actor: actor.user,
      actorRole: actor.role,
      action: 'alert_rule.delete',
      target: `alert_rule:${rule.id}`,
      result: 'ok',
      detail: auditDetail(rule, settingsOf(rule), null),
    });
    return rule;
  });
}
