import type pg from 'pg';
import {
  INITIAL_MACHINE_STATE,
  type AlertContext,
  type AlertMachineState,
  type AlertRule,
  type AlertTarget,
  type MachineTransition,
  type Severity,
} from './alert-model';

/**
 * What the alert evaluation (lib/alerts/evaluate-shard.ts) reads and writes
 * in the control DB: the rules, a shard's machine states and open events,
 * new events with their numbered transitions, and the context snapshot. All
 * but the context run inside the evaluation's transaction, under its
 * per-shard advisory lock.
 */

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * One evaluation of a shard at a time across all workers: two jobs of the
 * same shard (two slots, or a retry beside a slow first run) queue here, and
 * the second finds the samples the first evaluated already seen.
 */
const SHARD_LOCK_SQL = `select pg_advisory_xact_lock(hashtext('shardscope:alerts:' || $1))`;

/** Every rule, in the API's shape (AlertRule) but for updatedAt (a Date here). */
const RULES_SQL = `
  select id::text as id, metric, scope, shard_id as "shardId", node_id as "nodeId", comparator, warning, critical,
         for_seconds as "forSeconds", enabled, updated_at as "updatedAt", updated_by as "updatedBy"
  from alert_rules`;

const SHARD_STATES_SQL = `
  select metric, target_key, rule_id::text as rule_id, event_id::text as event_id, machine
  from alert_states
  where shard_id = $1`;

/** The shard's open events: at most one per (metric, target) (alert_events_open_uidx). */
const OPEN_EVENTS_SQL = `
  select id::text as id, metric, target_key
  from alert_events
  where shard_id = $1
    and resolved_at is null`;

/**
 * Of these target keys, those whose state another shard keeps: a tenant that
 * moved with an alert open or pending is evaluated where it was until the
 * alert settles (lib/alerts/alert-inputs-sql.ts reads it wherever it lives).
 */
const FOREIGN_STATES_SQL = `
  select metric, target_key
  from alert_states
  where target_key = any($1::text[])
    and shard_id <> $2`;

/**
 * Open events of shards gone from the fleet file, whose state no evaluation
 * has touched for $2 seconds (a worker still on an older fleet file must not
 * retire a new shard's alerts). Locked, skipping those another worker is
 * retiring right now.
 */
const REMOVED_SHARD_EVENTS_SQL = `
  select e.id::text as id, e.metric, e.target_key
  from alert_events e
  left join alert_states s on s.metric = e.metric and s.target_key = e.target_key
  where e.resolved_at is null
    and e.shard_id <> all($1::text[])
    and coalesce(s.updated_at, e.started_at) < now() - make_interval(secs => $2)
  for update of e skip locked`;

const DELETE_REMOVED_SHARD_STATES_SQL = `
  delete from alert_states
  where shard_id <> all($1::text[])
    and updated_at < now() - make_interval(secs => $2)`;

const UPSERT_STATE_SQL = `
  insert into alert_states (metric, target_key, shard_id, rule_id, event_id, machine, last_sample_at, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7, now())
  on conflict (metric, target_key) do update
  set shard_id = excluded.shard_id,
      rule_id = excluded.rule_id,
      event_id = excluded.event_id,
      machine = excluded.machine,
      last_sample_at = excluded.last_sample_at,
      updated_at = now()`;

const DELETE_STATE_SQL = `
  delete from alert_states
  where metric = $1
    and target_key = $2`;

const INSERT_EVENT_SQL = `
  insert into alert_events (rule_id, metric, target_key, shard_id, node_id, tenant_id, severity, peak_severity, started_at, peak_value, last_value, threshold)
  values ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $9, $10)
  returning id::text as id`;

/** The event row locked: its transitions are numbered one at a time (an acknowledgement from the console takes the same lock). */
const LOCK_EVENT_SQL = `
  select severity, last_value
  from alert_events
  where id = $1
  for update`;

/** The next number of the event's transitions (1 for a new event). */
const INSERT_TRANSITION_SQL = `
  insert into alert_event_transitions (event_id, seq, kind, severity, value, at)
  select $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5
  from alert_event_transitions
  where event_id = $1
  returning seq`;

/** The figures of an event while it fires (severity now and at worst, worst and latest value). */
const UPDATE_EVENT_FIGURES_SQL = `
  update alert_events
  set severity = $2,
      peak_severity = $3,
      peak_value = $4,
      last_value = $5
  where id = $1`;

const RESOLVE_EVENT_SQL = `
  update alert_events
  set resolved_at = $2,
      resolve_reason = $3
  where id = $1
    and resolved_at is null`;

/** The context snapshot, taken after the event's commit; an idle-in-transaction alert learns its tenant from it. */
const SET_CONTEXT_SQL = `
  update alert_events
  set context = $2,
      tenant_id = coalesce(tenant_id, $3::uuid)
  where id = $1`;

export interface StoredState {
  metric: string;
  targetKey: string;
  ruleId: string | null;
  eventId: string | null;
  machine: AlertMachineState;
}

export interface OpenEvent {
  id: string;
  metric: string;
  targetKey: string;
}

export interface NewEvent {
  ruleId: string;
  metric: string;
  targetKey: string;
  target: AlertTarget;
  severity: Severity;
  startedAt: Date;
  value: number | null;
  threshold: number | null;
}

export interface EventFigures {
  severity: Severity;
  peakSeverity: Severity;
  peakValue: number | null;
  lastValue: number | null;
}

export async function lockShardEvaluation(db: Queryable, shardId: string): Promise<void> {
  await db.query(SHARD_LOCK_SQL, [shardId]);
}

export async function loadRules(db: Queryable): Promise<AlertRule[]> {
  const { rows } = await db.query<Omit<AlertRule, 'updatedAt'> & { updatedAt: Date }>(RULES_SQL);
  return rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() }));
}

export async function loadShardStates(db: Queryable, shardId: string): Promise<StoredState[]> {
  const { rows } = await db.query<{ metric: string; target_key: string; rule_id: string | null; event_id: string | null; machine: Partial<AlertMachineState> }>(
    SHARD_STATES_SQL,
    [shardId],
  );
  return rows.map((row) => ({
    metric: row.metric,
    targetKey: row.target_key,
    ruleId: row.rule_id,
    eventId: row.event_id,
    // Fields added to the machine later start from their initial value.
    machine: { ...INITIAL_MACHINE_STATE, ...row.machine },
  }));
}

export async function loadOpenEvents(db: Queryable, shardId: string): Promise<OpenEvent[]> {
  const { rows } = await db.query<{ id: string; metric: string; target_key: string }>(OPEN_EVENTS_SQL, [shardId]);
  return rows.map((row) => ({ id: row.id, metric: row.metric, targetKey: row.target_key }));
}

/** One (metric, target) in the maps of an evaluation round. */
export const stateKey = (metric: string, targetKey: string): string => `${metric}\u0000${targetKey}`;

/** The (metric, target) pairs (stateKey) among `targetKeys` whose state another shard's evaluation keeps. */
export async function loadForeignStateKeys(db: Queryable, shardId: string, targetKeys: readonly string[]): Promise<Set<string>> {
  if (targetKeys.length === 0) return new Set();
  const { rows } = await db.query<{ metric: string; target_key: string }>(FOREIGN_STATES_SQL, [targetKeys, shardId]);
  return new Set(rows.map((row) => stateKey(row.metric, row.target_key)));
}

export async function lockRemovedShardEvents(db: Queryable, shardIds: readonly string[], quietSeconds: number): Promise<OpenEvent[]> {
  const { rows } = await db.query<{ id: string; metric: string; target_key: string }>(REMOVED_SHARD_EVENTS_SQL, [shardIds, quietSeconds]);
  return rows.map((row) => ({ id: row.id, metric: row.metric, targetKey: row.target_key }));
}

export async function deleteRemovedShardStates(db: Queryable, shardIds: readonly string[], quietSeconds: number): Promise<number> {
  return (await db.query(DELETE_REMOVED_SHARD_STATES_SQL, [shardIds, quietSeconds])).rowCount ?? 0;
}

export async function saveState(
  db: Queryable,
  state: { metric: string; targetKey: string; shardId: string; ruleId: string | null; eventId: string | null; machine: AlertMachineState },
): Promise<void> {
  await db.query(UPSERT_STATE_SQL, [
    state.metric,
    state.targetKey,
    state.shardId,
    state.ruleId,
    state.eventId,
    JSON.stringify(state.machine),
    state.machine.lastSampleAt,
  ]);
}

export async function deleteState(db: Queryable, metric: string, targetKey: string): Promise<void> {
  await db.query(DELETE_STATE_SQL, [metric, targetKey]);
}

/** A new event and its first transition ('fired', seq 1). */
export async function insertEvent(db: Queryable, event: NewEvent): Promise<{ eventId: string; seq: number }> {
  const { rows } = await db.query<{ id: string }>(INSERT_EVENT_SQL, [
    event.ruleId,
    event.metric,
    event.targetKey,
    event.target.shardId,
    event.target.nodeId,
    event.target.kind === 'tenant' ? event.target.tenantId : null,
    event.severity,
    event.startedAt,
    event.value,
    event.threshold,
  ]);
  const eventId = rows[0].id;
  const seq = await insertTransition(db, eventId, { kind: 'fired', at: event.startedAt, severity: event.severity, value: event.value });
  return { eventId, seq };
}

async function insertTransition(db: Queryable, eventId: string, transition: MachineTransition): Promise<number> {
  const { rows } = await db.query<{ seq: number }>(INSERT_TRANSITION_SQL, [eventId, transition.kind, transition.severity, transition.value, transition.at]);
  return rows[0].seq;
}

/** Escalated, de-escalated or resolved: numbered after the event's last transition, under the event's row lock. */
export async function appendTransition(db: Queryable, eventId: string, transition: MachineTransition): Promise<number> {
  await db.query(LOCK_EVENT_SQL, [eventId]);
  return insertTransition(db, eventId, transition);
}

export async function updateEventFigures(db: Queryable, eventId: string, figures: EventFigures): Promise<void> {
  await db.query(UPDATE_EVENT_FIGURES_SQL, [eventId, figures.severity, figures.peakSeverity, figures.peakValue, figures.lastValue]);
}

/**
 * Resolves an open event without the machine: its rule was disabled or its
 * target left the fleet. The 'resolved' transition carries the event's
 * current severity and last value. Returns the transition's seq.
 */
export async function retireEvent(db: Queryable, eventId: string, at: Date, reason: string): Promise<{ seq: number; severity: Severity; value: number | null }> {
  const { rows } = await db.query<{ severity: Severity; last_value: number | null }>(LOCK_EVENT_SQL, [eventId]);
  const { severity, last_value: value } = rows[0];
  const seq = await insertTransition(db, eventId, { kind: 'resolved', at, severity, value });
  await resolveEvent(db, eventId, at, reason);
  return { seq, severity, value };
}

/** resolve_reason: null for a condition that cleared, else why the alert stopped being evaluated. */
export async function resolveEvent(db: Queryable, eventId: string, at: Date, reason: string | null): Promise<void> {
  await db.query(RESOLVE_EVENT_SQL, [eventId, at, reason]);
}

export async function saveEventContext(db: Queryable, eventId: string, context: AlertContext, tenantId: string | null): Promise<void> {
  await db.query(SET_CONTEXT_SQL, [eventId, JSON.stringify(context), tenantId]);
}
