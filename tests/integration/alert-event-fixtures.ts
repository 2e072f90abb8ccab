import type pg from 'pg';
import type { AlertContext, Severity } from '@/lib/alerts/alert-model';

/**
 * Alert events written straight into a control DB, as the worker's
 * evaluation would leave them: the event row and its numbered transitions.
 * For tests of what the console shows and does with events.
 */
export interface EventFixture {
  metric: string;
  targetKey: string;
  shardId: string;
  nodeId?: string | null;
  tenantId?: string | null;
  /** Current severity; peakSeverity defaults to it. */
  severity: Severity;
  peakSeverity?: Severity;
  startedAt: Date;
  resolvedAt?: Date | null;
  peakValue: number;
  lastValue: number;
  threshold: number;
  context?: AlertContext | null;
  /** Transitions after 'fired' (seq 1), in order: seq 2, 3, … */
  laterTransitions?: ('escalated' | 'deescalated' | 'resolved')[];
}

const INSERT_EVENT_SQL = `
  insert into alert_events
    (metric, target_key, shard_id, node_id, tenant_id, severity, peak_severity, started_at, resolved_at, resolve_reason, peak_value, last_value, threshold, context)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  returning id::text as id`;

const INSERT_TRANSITION_SQL = `
  insert into alert_event_transitions (event_id, seq, kind, severity, value, at)
  values ($1, $2, $3, $4, $5, $6)`;

export async function insertEvent(client: pg.Client, fixture: EventFixture): Promise<string> {
  const peakSeverity = fixture.peakSeverity ?? fixture.severity;
  const { rows } = await client.query<{ id: string }>(INSERT_EVENT_SQL, [
    fixture.metric,
    fixture.targetKey,
    fixture.shardId,
    fixture.nodeId ?? null,
    fixture.tenantId ?? null,
    fixture.severity,
    peakSeverity,
    fixture.startedAt,
    fixture.resolvedAt ?? null,
    fixture.resolvedAt ? 'back below the threshold' : null,
    fixture.peakValue,
    fixture.lastValue,
    fixture.threshold,
    fixture.context === undefined ? null : JSON.stringify(fixture.context),
  ]);
  const id = rows[0].id;
  const later = fixture.laterTransitions ?? [];
  // An event that escalated fired as a warning.
  const firedAs: Severity = later.includes('escalated') ? 'warning' : peakSeverity;
  const severityAfter = { escalated: 'critical', deescalated: 'warning', resolved: fixture.severity } as const;
  const transitions = [{ kind: 'fired', severity: firedAs }, ...later.map((kind) => ({ kind, severity: severityAfter[kind] }))];
  for (const [index, transition] of transitions.entries()) {
    await client.query(INSERT_TRANSITION_SQL, [id, index + 1, transition.kind, transition.severity, fixture.lastValue, fixture.startedAt]);
  }
  return id;
}

export function minutesAgo(minutes: number): Date {
  return new Date(Date.now() - minutes * 60_000);
}

/** A context snapshot naming a tenant everywhere one can appear, a statement text and URLs: what must never reach /health. */
export function revealingContext(tenant: { id: string; name: string }, secret: { statement: string; url: string }): AlertContext {
  return {
    capturedAt: new Date().toISOString(),
    windowSeconds: 300,
    topTenants: [{ tenantId: tenant.id, name: tenant.name, activeSeconds: 120, sessions: 7 }],
    blockingRoots: [
      {
        pid: 4242,
        nodeId: 'shard-1-primary',
        tenantId: tenant.id,
        tenantName: tenant.name,
        user: 'app',
        applicationName: 'billing-worker',
        state: 'idle in transaction',
        xactSeconds: 95,
        blockedCount: 3,
        query: secret.statement,
      },
    ],
    idleInTransaction: [
      { pid: 4242, nodeId: 'shard-1-primary', tenantId: tenant.id, tenantName: tenant.name, user: 'app', idleSeconds: 90, query: secret.statement },
    ],
    topStatements: [{ statementHash: 'abc123', query: secret.statement, calls: 1200, totalTimeMs: 45_000, meanTimeMs: 37.5 }],
    pgbouncerWaiting: [{ pool: 'app/app', clientsWaiting: 4, maxWaitSeconds: 2.5, utilisationPct: 95 }],
    tenantLimit: null,
    errors: [{ part: 'pooler', message: `could not reach ${secret.url}` }],
  };
}
