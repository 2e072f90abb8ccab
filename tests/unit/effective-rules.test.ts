import { describe, expect, it } from 'vitest';
import { targetKey, type AlertRule, type AlertTarget } from '@/lib/alerts/alert-model';
import { effectiveRule, evaluatedRule, ruleThresholds, targetOfKey, thresholdOf } from '@/lib/alerts/effective-rules';

let nextId = 1;
function rule(fields: Partial<AlertRule> & Pick<AlertRule, 'metric'>): AlertRule {
  return {
    id: String(nextId++),
    scope: 'fleet',
    shardId: null,
    nodeId: null,
    comparator: '>',
    warning: 80,
    critical: 90,
    forSeconds: 60,
    enabled: true,
    updatedAt: '2026-12-01T00:00:00.000Z',
    updatedBy: 'seed',
    ...fields,
  };
}

const fleetConnections = rule({ metric: 'connections_pct' });
const shard2Connections = rule({ metric: 'connections_pct', scope: 'shard', shardId: 'shard-2', warning: 70 });
const replicaConnections = rule({ metric: 'connections_pct', scope: 'node', shardId: 'shard-2', nodeId: 'shard-2-replica-1', warning: 95, critical: 99 });
const fleetDisk = rule({ metric: 'disk_pct' });
const primaryDisk = rule({ metric: 'disk_pct', scope: 'node', shardId: 'shard-1', nodeId: 'shard-1-primary', enabled: false });
const fleetPool = rule({ metric: 'pool_utilisation_pct' });
const shard2Pool = rule({ metric: 'pool_utilisation_pct', scope: 'shard', shardId: 'shard-2', warning: 50 });
const fleetTenant = rule({ metric: 'tenant_limit_pct', comparator: '>=', warning: 80, critical: 100 });
const shard1Tenant = rule({ metric: 'tenant_limit_pct', scope: 'shard', shardId: 'shard-1', comparator: '>=', warning: 90, critical: 100 });
// An override naming a node for a metric a tenant rule shares nothing with: must never reach tenants.
const strayNodeTenant = rule({ metric: 'tenant_limit_pct', scope: 'node', shardId: 'shard-1', nodeId: 'shard-1-primary', warning: 10 });

const rules = [fleetConnections, shard2Connections, replicaConnections, fleetDisk, primaryDisk, fleetPool, shard2Pool, fleetTenant, shard1Tenant, strayNodeTenant];

const node = (shardId: string, nodeId: string): AlertTarget => ({ kind: 'node', shardId, nodeId, tenantId: null });
const host = (shardId: string, nodeId: string): AlertTarget => ({ kind: 'host', shardId, nodeId, tenantId: null });
const pool = (shardId: string): AlertTarget => ({ kind: 'pool', shardId, nodeId: null, tenantId: null });
const tenant = (shardId: string): AlertTarget => ({ kind: 'tenant', shardId, nodeId: null, tenantId: '7f0c2a54-1f7e-4b8e-9a55-3d2a1c0b9e11' });

describe('effectiveRule', () => {
  it('takes the fleet default where no override exists', () => {
    expect(effectiveRule(rules, node('shard-1', 'shard-1-primary'), 'connections_pct')).toBe(fleetConnections);
  });

  it('takes a shard override for every node of that shard only', () => {
    expect(effectiveRule(rules, node('shard-2', 'shard-2-primary'), 'connections_pct')).toBe(shard2Connections);
    expect(effectiveRule(rules, node('shard-1', 'shard-1-replica-1'), 'connections_pct')).toBe(fleetConnections);
  });

  it('lets a node override beat the shard override, whatever the order of the rules', () => {
    const target = node('shard-2', 'shard-2-replica-1');
    expect(effectiveRule(rules, target, 'connections_pct')).toBe(replicaConnections);
    expect(effectiveRule([...rules].reverse(), target, 'connections_pct')).toBe(replicaConnections);
  });

  it('applies a node override to that node’s host metrics', () => {
    expect(effectiveRule(rules, host('shard-1', 'shard-1-primary'), 'disk_pct')).toBe(primaryDisk);
    expect(effectiveRule(rules, host('shard-1', 'shard-1-replica-1'), 'disk_pct')).toBe(fleetDisk);
  });

  it('gives poolers and tenants the shard override or the fleet rule, never a node override', () => {
    expect(effectiveRule(rules, pool('shard-2'), 'pool_utilisation_pct')).toBe(shard2Pool);
    expect(effectiveRule(rules, pool('shard-1'), 'pool_utilisation_pct')).toBe(fleetPool);
    expect(effectiveRule(rules, tenant('shard-1'), 'tenant_limit_pct')).toBe(shard1Tenant);
    expect(effectiveRule(rules, tenant('shard-2'), 'tenant_limit_pct')).toBe(fleetTenant);
  });

  it('returns null for a metric without any rule', () => {
    expect(effectiveRule(rules, node('shard-1', 'shard-1-primary'), 'replica_lag_seconds')).toBeNull();
  });
});

describe('evaluatedRule', () => {
  it('does not evaluate a target whose effective rule is disabled, even with an enabled fleet rule', () => {
    expect(evaluatedRule(rules, host('shard-1', 'shard-1-primary'), 'disk_pct')).toBeNull();
    expect(evaluatedRule(rules, host('shard-2', 'shard-2-primary'), 'disk_pct')).toBe(fleetDisk);
  });

  it('does not evaluate anything under a disabled fleet rule without overrides', () => {
    const disabled = [rule({ metric: 'cache_hit_pct', comparator: '<', warning: 90, critical: 80, enabled: false })];
    expect(evaluatedRule(disabled, node('shard-1', 'shard-1-primary'), 'cache_hit_pct')).toBeNull();
  });
});

describe('rule helpers', () => {
  it('keeps only what the state machine needs of a rule', () => {
    expect(ruleThresholds(shard2Connections)).toEqual({ comparator: '>', warning: 70, critical: 90, forSeconds: 60 });
  });

  it('names the threshold a severity crossed', () => {
    expect(thresholdOf(ruleThresholds(fleetTenant), 'critical')).toBe(100);
    expect(thresholdOf(ruleThresholds(fleetTenant), 'warning')).toBe(80);
  });

  it('reads stored target keys back into targets', () => {
    for (const target of [node('shard-1', 'shard-1-primary'), host('shard-1', 'shard-1-replica-1'), pool('shard-1'), tenant('shard-1')]) {
      expect(targetOfKey(targetKey(target), 'shard-1')).toEqual(target);
    }
    expect(targetOfKey('disk', 'shard-1')).toBeNull();
    expect(targetOfKey('rack:7', 'shard-1')).toBeNull();
  });
});
