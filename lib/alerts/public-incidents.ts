import { getControlPool } from '@/lib/control/db';
import { describeNodeError } from '@/lib/fleet/node-pools';
import type { PublicIncident, Severity } from './alert-model';

/**
 * What the public /health page shows of alerts: incidents of the last 24 h,
 * by shard. Only severity, shard, metric and times leave this module: no
 * tenant, node, value, context (tenant names, statement texts) or link.
 */

/** A day: what the on-call reading /health after a night wants to see. */
export const PUBLIC_INCIDENT_HOURS = 24;

/** Enough for a bad day; a longer list would hide the fleet's status below it. */
export const MAX_PUBLIC_INCIDENTS = 50;

/**
 * Events open now or resolved in the last $1 hours, open first, then newest.
 * Tenant events (a tenant near its tier limit) are the tenant's business, not
 * an incident of the fleet: they stay off the public page.
 */
const PUBLIC_INCIDENTS_SQL = `
  select peak_severity, shard_id, metric, started_at, resolved_at
  from alert_events
  where tenant_id is null
    and (resolved_at is null or resolved_at >= now() - make_interval(hours => $1))
  order by (resolved_at is null) desc, started_at desc, id desc
  limit $2`;

interface PublicIncidentRow {
  peak_severity: Severity;
  shard_id: string;
  metric: string;
  started_at: Date;
  resolved_at: Date | null;
}

export async function listPublicIncidents(): Promise<PublicIncident[]> {
  const { rows } = await getControlPool().query<PublicIncidentRow>(PUBLIC_INCIDENTS_SQL, [PUBLIC_INCIDENT_HOURS, MAX_PUBLIC_INCIDENTS]);
  return rows.map((row) => ({
    severity: row.peak_severity,
    shardId: row.shard_id,
    metric: row.metric,
    startedAt: row.started_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  }));
}

export type PublicIncidents = { available: true; incidents: PublicIncident[] } | { available: false };

/** The incidents, or "unavailable" when the control DB does not answer: /health must render without it. */
export async function getPublicIncidents(): Promise<PublicIncidents> {
  try {
    return { available: true, incidents: await listPublicIncidents() };
  } catch (error) {
    console.warn(`[health] incidents unavailable: control database ${describeNodeError(error)}`);
    return { available: false };
  }
}
