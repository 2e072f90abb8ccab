/**
 * Alerts: the shapes shared by the rules, the evaluation (worker), the
 * events and notifications, and the API. No I/O.
 *
 * Vocabulary:
 * - rule: metric + scope (fleet default, or an override for one shard or
 *   node) + comparator + warning/critical thresholds + `for` + enabled
 *   (table alert_rules). The effective rule of a target is the node override,
 *   else the shard override, else the fleet default.
 * - target: what one rule is evaluated on: a node, a shard's PgBouncer, a
 *   node's host, or a tenant (AlertTarget, keyed by targetKey()).
 * - machine state: the pure state machine's memory between rounds
 *   (ok → pending → firing → resolved, table alert_states).
 * - event: one alert from firing to resolved (alert_events), with numbered
 *   transitions (alert_event_transitions) and a context snapshot.
 */

export const SEVERITIES = ['warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const COMPARATORS = ['>', '>=', '<', '<='] as const;
export type Comparator = (typeof COMPARATORS)[number];

export const RULE_SCOPES = ['fleet', 'shard', 'node'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];

/** What a rule is evaluated on. */
export const TARGET_KINDS = ['node', 'pool', 'host', 'tenant'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The API shape of one rule (GET /api/alert-rules). */
export interface AlertRule {
  id: string;
  metric: string;
  scope: RuleScope;
  shardId: string | null;
  nodeId: string | null;
  comparator: Comparator;
  warning: number | null;
  critical: number | null;
  forSeconds: number;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string | null;
}

/** PUT /api/alert-rules/:id — any of these. */
export interface AlertRulePatch {
  warning?: number | null;
  critical?: number | null;
  forSeconds?: number;
  enabled?: boolean;
}

/** POST /api/alert-rules — an override of a metric's fleet rule for one shard or node. */
export interface AlertRuleOverrideInput extends AlertRulePatch {
  metric: string;
  scope: 'shard' | 'node';
  shardId: string;
  nodeId?: string | null;
}

/** The part of a rule the state machine needs. */
export interface RuleThresholds {
  comparator: Comparator;
  warning: number | null;
  critical: number | null;
  forSeconds: number;
}

export interface AlertTarget {
  kind: TargetKind;
  shardId: string;
  /** node and host targets; null for a pooler or a tenant. */
  nodeId: string | null;
  /** tenant targets only. */
  tenantId: string | null;
}

/** 'node:<node id>', 'pool:<shard id>', 'host:<node id>', 'tenant:<uuid>': the key of alert_states and alert_events. */
export function targetKey(target: AlertTarget): string {
  switch (target.kind) {
    case 'node':
    case 'host':
      return `${target.kind}:${target.nodeId}`;
    case 'pool':
      return `pool:${target.shardId}`;
    case 'tenant':
      return `tenant:${target.tenantId}`;
  }
}

/**
 * One reading of one metric for one target at one sampling slot.
 * - value null, paused false: no value this round (a missing sample, or a
 *   metric undefined right now, e.g. no block reads for the cache ratio).
 *   A missing sample is never a good sample: it neither resolves nor resets.
 * - paused true: the target's node is down; every rule but node_up pauses
 *   (no "0 connections" alerts from a dead node).
 */
export interface AlertSample {
  at: Date;
  value: number | null;
  paused: boolean;
}

export type MachinePhase = 'ok' | 'pending' | 'firing';

/** The state machine's memory between rounds (alert_states.machine, JSON; times ISO 8601). */
export interface AlertMachineState {
  phase: MachinePhase;
  /** pending/firing: the first sample of the current run on the bad side (warning or worse). */
  badSince: string | null;
  /** The first sample of the current run at critical (while pending or firing). */
  criticalSince: string | null;
  /** firing at critical: the first sample of the current run below critical (de-escalation needs `for` of it). */
  belowCriticalSince: string | null;
  /** firing: the first sample of the current run on the good side (resolving needs `for` of it). */
  goodSince: string | null;
  /** firing: the current severity. */
  severity: Severity | null;
  /** firing: the worst severity of this event. */
  peakSeverity: Severity | null;
  /** firing: the worst value of this event (highest for > and >=, lowest for < and <=). */
  peakValue: number | null;
  /** The latest non-null value seen. */
  lastValue: number | null;
  /** Samples at or before this time were already evaluated (a retried round adds nothing). */
  lastSampleAt: string | null;
}

export const INITIAL_MACHINE_STATE: AlertMachineState = {
  phase: 'ok',
  badSince: null,
  criticalSince: null,
  belowCriticalSince: null,
  goodSince: null,
  severity: null,
  peakSeverity: null,
  peakValue: null,
  lastValue: null,
  lastSampleAt: null,
};

export const TRANSITION_KINDS = ['fired', 'escalated', 'deescalated', 'resolved', 'acknowledged'] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** What the machine reports happened in one evaluation (at most one fired and one resolved per call, in order). */
export interface MachineTransition {
  kind: Exclude<TransitionKind, 'acknowledged'>;
  at: Date;
  severity: Severity;
  value: number | null;
}

export interface MachineResult {
  state: AlertMachineState;
  transitions: MachineTransition[];
}

// ---------------------------------------------------------------- events

export type EventState = 'firing' | 'resolved';

export interface ContextTenant {
  tenantId: string;
  name: string | null;
  /** Seconds of query time over the context window (sampled active sessions × interval). */
  activeSeconds: number;
  /** Most sessions seen at once in the window. */
  sessions: number;
}

export interface ContextBlockingRoot {
  pid: number;
  nodeId: string;
  tenantId: string | null;
  tenantName: string | null;
  user: string | null;
  applicationName: string | null;
  state: string | null;
  /** Seconds since the root's transaction began (null when not in a transaction). */
  xactSeconds: number | null;
  /** Sessions waiting on it, directly or not. */
  blockedCount: number;
  query: string | null;
}

export interface ContextIdleSession {
  pid: number;
  nodeId: string;
  tenantId: string | null;
  tenantName: string | null;
  user: string | null;
  idleSeconds: number;
  query: string | null;
}

export interface ContextStatement {
  statementHash: string;
  query: string;
  calls: number;
  totalTimeMs: number;
  meanTimeMs: number | null;
}

export interface ContextPool {
  pool: string;
  clientsWaiting: number;
  maxWaitSeconds: number;
  utilisationPct: number | null;
}

/** What was going on when the alert fired: the "who was the noisy neighbour" answer. */
export interface AlertContext {
  capturedAt: string;
  /** The window the tenant and statement figures cover. */
  windowSeconds: number;
  topTenants: ContextTenant[];
  blockingRoots: ContextBlockingRoot[];
  idleInTransaction: ContextIdleSession[];
  topStatements: ContextStatement[];
  pgbouncerWaiting: ContextPool[];
  /** A tenant rule: which limit, used against limit. */
  tenantLimit?: { kind: string; used: number; limit: number } | null;
  /** Parts that could not be read (a node down, a timeout), each with the reason: a partial snapshot, never a failed event. */
  errors: { part: string; message: string }[];
}

/** The API shape of one event (GET /api/alerts). severity is the peak severity. */
export interface AlertEvent {
  id: string;
  ruleId: string | null;
  metric: string;
  shardId: string;
  nodeId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  severity: Severity;
  currentSeverity: Severity;
  state: EventState;
  startedAt: string;
  resolvedAt: string | null;
  resolveReason: string | null;
  peakValue: number | null;
  lastValue: number | null;
  threshold: number | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  context: AlertContext | null;
}

/** /health: what the public may see of an incident (no tenant names, statement texts or URLs). */
export interface PublicIncident {
  severity: Severity;
  shardId: string;
  metric: string;
  startedAt: string;
  resolvedAt: string | null;
}

// ---------------------------------------------------------------- notifications

export const CHANNEL_KINDS = ['webhook', 'slack'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** After this many failed deliveries in a row a channel is flagged as failing on its page. */
export const CHANNEL_FAILING_AFTER = 3;

/** The API shape of a channel: the URL is a secret and never leaves the server after it is saved. */
export interface NotificationChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  /** The URL's host only (e.g. "hooks.slack.com"). */
  urlHost: string;
  enabled: boolean;
  notifyOnAck: boolean;
  failing: boolean;
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  updatedAt: string;
}

/** POST /api/notification-channels (all but notifyOnAck required); PUT with any of them (url omitted = keep the saved one). */
export interface NotificationChannelInput {
  name: string;
  kind: ChannelKind;
  url: string;
  enabled: boolean;
  notifyOnAck?: boolean;
}

export type DeliveryTransition = TransitionKind | 'test';
export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface NotificationDelivery {
  id: string;
  channelId: string;
  eventId: string | null;
  transition: DeliveryTransition;
  dedupeKey: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  sentAt: string | null;
}

/** The generic webhook's JSON body. Slack channels get `{ text }` instead (lib/alerts/notification-payloads.ts). */
export interface WebhookPayload {
  event: {
    id: string;
    state: EventState;
    severity: Severity;
    metric: string;
    shardId: string;
    nodeId: string | null;
    tenantId: string | null;
    startedAt: string;
    resolvedAt: string | null;
    value: number | null;
  };
  transition: DeliveryTransition;
  /** Equal for every attempt of one message: receivers can drop repeats. */
  dedupeKey: string;
  /** A link to the event on the console. */
  console: string;
}

/** One HTTP request per attempt is given this long. */
export const DELIVERY_TIMEOUT_MS = 5000;
