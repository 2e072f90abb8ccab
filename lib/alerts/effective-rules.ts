import type { AlertRule, AlertTarget, RuleThresholds } from './alert-model';

/**
 * Which rule applies to a target: a node override beats a shard override,
 * which beats the fleet default. Node overrides reach the node's own targets
 * (the node and its host); a shard's pooler and its tenants have no node, so
 * they take the shard override or the fleet rule. Pure.
 *
 * The effective rule may be disabled: the target is then not evaluated (an
 * override that silences one node or shard), and an open alert of it is
 * resolved as "rule disabled".
 */
export function effectiveRule(rules: readonly AlertRule[], target: AlertTarget, metric: string): AlertRule | null {
  let shardRule: AlertRule | null = null;
  let fleetRule: AlertRule | null = null;
  for (const rule of rules) {
    if (rule.metric !== metric) continue;
    if (rule.scope === 'node') {
      const nodeTarget = target.kind === 'node' || target.kind === 'host';
      // Node ids are unique across the fleet (the fleet file checks it).
      if (nodeTarget && rule.nodeId === target.nodeId) return rule;
    } else if (rule.scope === 'shard') {
      if (rule.shardId === target.shardId) shardRule = rule;
    } else {
      fleetRule = rule;
    }
  }
  return shardRule ?? fleetRule;
}

/** A rule that applies and is enabled, or null: the target is not evaluated. */
export function evaluatedRule(rules: readonly AlertRule[], target: AlertTarget, metric: string): AlertRule | null {
  const rule = effectiveRule(rules, target, metric);
  return rule?.enabled ? rule : null;
}

export function ruleThresholds(rule: AlertRule): RuleThresholds {
  return { comparator: rule.comparator, warning: rule.warning, critical: rule.critical, forSeconds: rule.forSeconds };
}

/** The threshold a severity crossed (the event's "threshold"). */
export function thresholdOf(rule: RuleThresholds, severity: 'warning' | 'critical'): number | null {
  return severity === 'critical' ? rule.critical : rule.warning;
}

/**
 * The target a stored key names (alert_states / alert_events target_key,
 * made by targetKey()), for states whose target the fleet no longer returns.
 */
export function targetOfKey(key: string, shardId: string): AlertTarget | null {
  const separator = key.indexOf(':');
  if (separator < 1) return null;
  const kind = key.slice(0, separator);
  const id = key.slice(separator + 1);
  switch (kind) {
    case 'node':
    case 'host':
      return { kind, shardId, nodeId: id, tenantId: null };
    case 'pool':
      return { kind: 'pool', shardId, nodeId: null, tenantId: null };
    case 'tenant':
      return { kind: 'tenant', shardId, nodeId: null, tenantId: id };
    default:
      return null;
  }
}
