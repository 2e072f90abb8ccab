import { PublicIncidents } from '@/components/alerts/events/PublicIncidents';
import { StatusBadge, type BadgeTone } from '@/components/ui/StatusBadge';
import { getPublicIncidents } from '@/lib/alerts/public-incidents';
import { formatBytes, formatSeconds } from '@/lib/format';
import { getPublicFleetHealth } from '@/lib/monitor/fleet-health';

export const dynamic = 'force-dynamic';

/** Refresh every 10 s without any script: the page must work from any phone during an incident. */
const HEALTH_PAGE_REFRESH_SECONDS = 10;

const TONE: Record<string, BadgeTone> = { healthy: 'ok', degraded: 'warn', down: 'bad' };

export default async function PublicHealthPage() {
  // The incidents come from the control DB: when it is away they say so, and the live status still shows.
  const [health, incidents] = await Promise.all([getPublicFleetHealth(), getPublicIncidents()]);
  return (
    <main>
      <meta httpEquiv="refresh" content={String(HEALTH_PAGE_REFRESH_SECONDS)} />
      <h1>
        Fleet health <StatusBadge tone={TONE[health.status]} testId="fleet-status">{health.status}</StatusBadge>
      </h1>
      <p className="subtle">As of {new Date(health.generatedAt).toUTCString()} · refreshes every {HEALTH_PAGE_REFRESH_SECONDS} s</p>
      <div className="grid">
        {health.shards.map((shard) => (
          <section key={shard.id} className="card" data-testid="health-shard">
            <header>
              <h2 className="mono">{shard.id}</h2>
              <StatusBadge tone={TONE[shard.health]}>{shard.health}</StatusBadge>
            </header>
            <table>
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th className="num">Lag</th>
                  <th className="num">Lag time</th>
                </tr>
              </thead>
              <tbody>
                {shard.nodes.map((node) => (
                  <tr key={node.id}>
                    <td className="mono">{node.id}</td>
                    <td>{node.role}</td>
                    <td>
                      <StatusBadge tone={node.up ? 'ok' : 'bad'}>{node.up ? 'up' : 'down'}</StatusBadge>
                    </td>
                    <td className="num">{node.role === 'replica' ? formatBytes(node.lagBytes) : '—'}</td>
                    <td className="num">{node.role === 'replica' ? formatSeconds(node.lagSeconds) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <PublicIncidents result={incidents} />
    </main>
  );
}
