import { StatusBadge } from '@/components/ui/StatusBadge';
import { findAlertMetric } from '@/lib/alerts/alert-metrics';
import { PUBLIC_INCIDENT_HOURS, type PublicIncidents as PublicIncidentsResult } from '@/lib/alerts/public-incidents';

/** UTC, to the minute: the public page has no script to localise times, and on-call people compare notes across zones. */
function utcMinute(at: string): string {
  return `${at.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * /health's "Incidents in the last 24 h": severity, shard, what, start, end.
 * Public: never a tenant, node, value, statement or link.
 */
export function PublicIncidents({ result }: { result: PublicIncidentsResult }) {
  return (
    <section className="card public-incidents" data-testid="health-incidents" style={{ marginTop: 16 }}>
      <header>
        <h2>Incidents in the last {PUBLIC_INCIDENT_HOURS} h</h2>
      </header>
      {!result.available ? (
        <p className="subtle" data-testid="health-incidents-unavailable">
          Incidents are unavailable right now (the alert store does not answer); the status above is live and unaffected.
        </p>
      ) : result.incidents.length === 0 ? (
        <p className="subtle">No incident in the last {PUBLIC_INCIDENT_HOURS} h.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Severity</th>
              <th>Shard</th>
              <th>What</th>
              <th>Start</th>
              <th>End</th>
            </tr>
          </thead>
          <tbody>
            {result.incidents.map((incident) => (
              <tr key={`${incident.shardId}:${incident.metric}:${incident.startedAt}`} data-testid="health-incident">
                <td>
                  <StatusBadge tone={incident.severity === 'critical' ? 'bad' : 'warn'}>{incident.severity}</StatusBadge>
                </td>
                <td className="mono">{incident.shardId}</td>
                <td>{findAlertMetric(incident.metric)?.label ?? incident.metric}</td>
                <td>{utcMinute(incident.startedAt)}</td>
                <td>{incident.resolvedAt ? utcMinute(incident.resolvedAt) : <StatusBadge tone="bad">ongoing</StatusBadge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
