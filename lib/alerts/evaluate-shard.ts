import type PgBoss from 'pg-boss';
import { getControlPool, withControlTransaction } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { attributedTenant, captureAlertContext } from './alert-context';
import { loadAlertInputs } from './alert-inputs';
import { ALERT_METRICS, type AlertMetricSpec } from './alert-metrics';
import { targetKey, type AlertRule } from './alert-model';
import { enqueueDeliveryJobs, queueDeliveries } from './deliveries';
import { evaluatedRule, targetOfKey } from './effective-rules';
import {
  deleteRemovedShardStates,
  loadForeignStateKeys,
  loadOpenEvents,
  loadRules,
  loadShardStates,
  lockRemovedShardEvents,
  lockShardEvaluation,
  saveEventContext,
  stateKey,
  type OpenEvent,
  type StoredState,
} from './evaluation-store';
import { evaluateTarget, retireTarget, type AppliedTransition, type FiredEvent, type TargetRun } from './evaluate-target';

/**
 * One evaluation round of a shard's alert rules (the worker's evaluate-alerts
 * job, after the shard's sampling job of a slot). In one control-DB
 * transaction under a per-shard advisory lock: the rules, the shard's machine
 * states and open events, the window's samples; every (metric, target)
 * through its effective rule and the state machine; events, numbered
 * transitions and queued notifications written with the states, so a crash
 * leaves either all of a round or none of it, and a retried round finds its
 * samples already seen. After the commit: the context snapshot of each event
 * that fired (reads the shard, never fails the round) and the delivery jobs.
 */

/** Samples this many intervals back are re-read each round: a round or two missed (a worker restart) are caught up. */
export const EVALUATION_WINDOW_INTERVALS = 10;

export const RESOLVE_REASON_RULE_DISABLED = 'rule disabled';
export const RESOLVE_REASON_TARGET_REMOVED = 'target removed';

export interface EvaluationOptions {
  /** Delivery jobs are sent with it after the commit; without it they wait for the worker's sweep. */
  boss?: PgBoss;
  /** Defaults to SHARDSCOPE_SAMPLE_INTERVAL_S. */
  sampleIntervalSeconds?: number;
}

export interface EvaluationReport {
  shardId: string;
  at: string;
  targetsEvaluated: number;
  transitions: AppliedTransition[];
  deliveriesQueued: number;
  /** Post-commit steps that failed (the round itself is committed): context snapshots, delivery jobs. */
  errors: string[];
  durationMs: number;
}

/** Metrics with at least one enabled rule are read; the others' leftover states and events are retired below. */
function metricsToRead(rules: readonly AlertRule[]): AlertMetricSpec[] {
  const enabled = new Set(rules.filter((rule) => rule.enabled).map((rule) => rule.metric));
  return [...ALERT_METRICS.values()].filter((spec) => enabled.has(spec.metric));
}

/** Tenants over this share of a tier limit are read: the lowest enabled threshold of any tenant rule. */
function tenantFloorPct(rules: readonly AlertRule[], metrics: readonly AlertMetricSpec[]): number {
  const tenantMetrics = new Set(metrics.filter((spec) => spec.target === 'tenant').map((spec) => spec.metric));
  const thresholds = rules
    .filter((rule) => rule.enabled && tenantMetrics.has(rule.metric))
    .flatMap((rule) => [rule.warning, rule.critical])
    .filter((threshold): threshold is number => threshold !== null);
  return thresholds.length > 0 ? Math.min(...thresholds) : Number.MAX_VALUE;
}

/** Tenants whose alert is pending or open keep being read until it settles, wherever they are now. */
function openTenantIds(states: readonly StoredState[], openEvents: readonly OpenEvent[]): string[] {
  const keys = [
    ...states.filter((state) => state.machine.phase !== 'ok').map((state) => state.targetKey),
    ...openEvents.map((event) => event.targetKey),
  ];
  return [...new Set(keys.filter((key) => key.startsWith('tenant:')).map((key) => key.slice('tenant:'.length)))];
}

interface RoundResult {
  targetsEvaluated: number;
  transitions: AppliedTransition[];
  fired: FiredEvent[];
  deliveryIds: string[];
}

async function evaluateInTransaction(shard: ShardConfig, at: Date, intervalSeconds: number): Promise<RoundResult> {
  return withControlTransaction(async (client) => {
    await lockShardEvaluation(client, shard.id);
    const rules = await loadRules(client);
    const states = await loadShardStates(client, shard.id);
    const openEvents = await loadOpenEvents(client, shard.id);
    const metrics = metricsToRead(rules);
    const window = { from: new Date(at.getTime() - EVALUATION_WINDOW_INTERVALS * intervalSeconds * 1000), to: at };
    const inputs = await loadAlertInputs(client, shard, metrics, window, {
      floorPct: tenantFloorPct(rules, metrics),
      openTenantIds: openTenantIds(states, openEvents),
    });

    const statesByKey = new Map(states.map((state) => [stateKey(state.metric, state.targetKey), state]));
    const openByKey = new Map(openEvents.map((event) => [stateKey(event.metric, event.targetKey), event]));
    const tenantKeys = [...inputs.values()].flatMap((targets) => targets.filter(({ target }) => target.kind === 'tenant').map(({ target }) => targetKey(target)));
    const foreign = await loadForeignStateKeys(client, shard.id, tenantKeys);
    const run: TargetRun = { db: client, shardId: shard.id, at, transitions: [], fired: [], deliveries: [] };
    let targetsEvaluated = 0;

    for (const [metric, targets] of inputs) {
      for (const { target, samples } of targets) {
        const key = stateKey(metric, targetKey(target));
        // A tenant that moved here while its alert was open or pending: its old shard settles it first.
        if (foreign.has(key)) continue;
        const stored = statesByKey.get(key) ?? null;
        const open = openByKey.get(key) ?? null;
        statesByKey.delete(key);
        openByKey.delete(key);
        const rule = evaluatedRule(rules, target, metric);
        if (!rule) {
          await retireTarget(run, metric, targetKey(target), stored, open, RESOLVE_REASON_RULE_DISABLED);
          continue;
        }
        targetsEvaluated += 1;
        await evaluateTarget(run, { metric, target, rule, samples, stored, open });
      }
    }

    // States and events the round did not reach: their rule is disabled (or gone), or their target left the fleet.
    const leftover = new Set([...statesByKey.keys(), ...openByKey.keys()]);
    for (const key of leftover) {
      const stored = statesByKey.get(key) ?? null;
      const open = openByKey.get(key) ?? null;
      const metric = stored?.metric ?? open!.metric;
      const storedKey = stored?.targetKey ?? open!.targetKey;
      const target = targetOfKey(storedKey, shard.id);
      const reason = target && evaluatedRule(rules, target, metric) ? RESOLVE_REASON_TARGET_REMOVED : RESOLVE_REASON_RULE_DISABLED;
      await retireTarget(run, metric, storedKey, stored, open, reason);
    }

    const deliveryIds = await queueDeliveries(client, run.deliveries);
    return { targetsEvaluated, transitions: run.transitions, fired: run.fired, deliveryIds };
  });
}

/** The context snapshot of an event that fired: what was going on, and for some rules whom to name. */
async function recordContext(shard: ShardConfig, fired: FiredEvent): Promise<void> {
  const context = await captureAlertContext(shard, fired.target, fired.metric, fired.at);
  await saveEventContext(getControlPool(), fired.eventId, context, attributedTenant(fired.metric, context));
}

/** Sends the delivery jobs of committed transitions; a failure is left to the worker's sweep of pending deliveries. */
async function enqueueDeliveries(boss: PgBoss | undefined, deliveryIds: readonly string[], errors: string[]): Promise<void> {
  if (!boss || deliveryIds.length === 0) return;
  await enqueueDeliveryJobs(boss, deliveryIds).catch((error: unknown) => {
    errors.push(`delivery jobs: ${(error as Error).message}`);
  });
}

export async function evaluateShardAlerts(shard: ShardConfig, at: Date, options: EvaluationOptions = {}): Promise<EvaluationReport> {
  const started = performance.now();
  const intervalSeconds = options.sampleIntervalSeconds ?? getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S;
  const round = await evaluateInTransaction(shard, at, intervalSeconds);
  const errors: string[] = [];
  // Notifications first: their bodies were built in the transaction, the context does not change them.
  await enqueueDeliveries(options.boss, round.deliveryIds, errors);
  await Promise.all(
    round.fired.map((fired) =>
      recordContext(shard, fired).catch((error: unknown) => {
        errors.push(`context of event ${fired.eventId}: ${(error as Error).message}`);
      }),
    ),
  );
  return {
    shardId: shard.id,
    at: at.toISOString(),
    targetsEvaluated: round.targetsEvaluated,
    transitions: round.transitions,
    deliveriesQueued: round.deliveryIds.length,
    errors,
    durationMs: Math.round(performance.now() - started),
  };
}

export interface RemovedShardsReport {
  transitions: AppliedTransition[];
  statesDeleted: number;
  errors: string[];
}

/**
 * Alerts of shards gone from the fleet file: no evaluation job runs for them
 * any more, so their open events are resolved here ("target removed") and
 * their states dropped, once no evaluation has touched them for the window
 * (and at least a minute).
 */
export async function retireRemovedShards(fleetShardIds: readonly string[], at: Date, options: EvaluationOptions = {}): Promise<RemovedShardsReport> {
  const intervalSeconds = options.sampleIntervalSeconds ?? getFleetEnv().SHARDSCOPE_SAMPLE_INTERVAL_S;
  const quietSeconds = Math.max(60, EVALUATION_WINDOW_INTERVALS * intervalSeconds);
  const { run, statesDeleted, deliveryIds } = await withControlTransaction(async (client) => {
    const retiring: TargetRun = { db: client, shardId: '', at, transitions: [], fired: [], deliveries: [] };
    for (const event of await lockRemovedShardEvents(client, fleetShardIds, quietSeconds)) {
      await retireTarget(retiring, event.metric, event.targetKey, null, event, RESOLVE_REASON_TARGET_REMOVED);
    }
    const deleted = await deleteRemovedShardStates(client, fleetShardIds, quietSeconds);
    return { run: retiring, statesDeleted: deleted, deliveryIds: await queueDeliveries(client, retiring.deliveries) };
  });
  const errors: string[] = [];
  await enqueueDeliveries(options.boss, deliveryIds, errors);
  return { transitions: run.transitions, statesDeleted, errors };
}
