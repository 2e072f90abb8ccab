import { randomUUID } from 'node:crypto';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PublicHealthPage from '@/app/health/page';
import { insertEvent, minutesAgo, revealingContext } from './alert-event-fixtures';
import { ownControlDb } from './own-control-db';
import { sandbox } from './sandbox';

/**
 * The public /health page's "Incidents in the last 24 h", rendered as the
 * server sends it, on a control DB of this file's own: what shows (severity,
 * shard, what, start, end or ongoing), what never shows even when the event's
 * context holds it (tenant names, statement texts, URLs, node ids), and a
 * control DB that is down (incidents unavailable, the page still renders).
 */

const controlDb = ownControlDb('it_health_incidents');

const tenant = { id: randomUUID(), name: 'itHealthSecretTenant' };
const secret = { statement: 'select secret_column from hidden_billing_table', url: 'https://hooks.internal.example/T000/B000' };

async function renderHealthPage(): Promise<string> {
  return renderToStaticMarkup(await PublicHealthPage());
}

/** The incidents section only: the rest of the page shows nodes by design. */
function incidentsSection(html: string): string {
  const start = html.indexOf('data-testid="health-incidents"');
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

const lagStartedAt = minutesAgo(30);
const connectionsStartedAt = minutesAgo(5 * 60);

describe('/health incidents', () => {
  beforeAll(async () => {
    await controlDb.create();
    await controlDb.withControl(async (client) => {
      await client.query(`insert into tenants (id, name, tier, shard_id) values ($1, $2, 'free', 'shard-1')`, [tenant.id, tenant.name]);
      const context = revealingContext(tenant, secret);
      // Ongoing, with a context naming the tenant, its statement and a URL.
      await insertEvent(client, {
        metric: 'replica_lag_seconds', targetKey: 'node:shard-1-replica-1', shardId: 'shard-1', nodeId: 'shard-1-replica-1',
        severity: 'critical', startedAt: lagStartedAt, peakValue: 14, lastValue: 12, threshold: 10, context,
      });
      // Resolved 4 h ago.
      await insertEvent(client, {
        metric: 'connections_pct', targetKey: 'node:shard-2-primary', shardId: 'shard-2', nodeId: 'shard-2-primary',
        severity: 'warning', startedAt: connectionsStartedAt, resolvedAt: minutesAgo(4 * 60), peakValue: 85, lastValue: 60, threshold: 80, context,
      });
      // Resolved 30 h ago: past the day the page covers.
      await insertEvent(client, {
        metric: 'disk_pct', targetKey: 'host:shard-2-primary', shardId: 'shard-2', nodeId: 'shard-2-primary',
        severity: 'warning', startedAt: minutesAgo(31 * 60), resolvedAt: minutesAgo(30 * 60), peakValue: 85, lastValue: 70, threshold: 80,
      });
      // A tenant near its tier limit: the tenant's business, not a fleet incident.
      await insertEvent(client, {
        metric: 'tenant_limit_pct', targetKey: `tenant:${tenant.id}`, shardId: 'shard-1', tenantId: tenant.id,
        severity: 'critical', startedAt: minutesAgo(20), peakValue: 120, lastValue: 120, threshold: 100, context,
      });
    });
  });

  afterAll(async () => {
    sandbox('start-node', 'control');
    await controlDb.drop();
  });

  it('lists the last 24 h of fleet incidents: severity, shard, what, start, and end or ongoing', async () => {
    const section = incidentsSection(await renderHealthPage());
    expect(section).toContain('Incidents in the last 24 h');
    const rows = section.split('data-testid="health-incident"').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('critical');
    expect(rows[0]).toContain('shard-1');
    expect(rows[0]).toContain('Replica lag');
    expect(rows[0]).toContain(`${lagStartedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    expect(rows[0]).toContain('ongoing');
    expect(rows[1]).toContain('warning');
    expect(rows[1]).toContain('shard-2');
    expect(rows[1]).toContain('Connections (% of max)');
    expect(rows[1]).toContain(`${connectionsStartedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    expect(rows[1]).not.toContain('ongoing');
    expect(section).not.toContain('Data filesystem used');
    expect(section).not.toContain('Tenant near its tier limit');
  });

  it('shows no tenant name, statement text, URL or node id, though the events context holds them', async () => {
    const html = await renderHealthPage();
    expect(html).not.toContain(tenant.name);
    expect(html).not.toContain(tenant.id);
    expect(html).not.toContain('hidden_billing_table');
    expect(html).not.toContain('hooks.internal.example');
    expect(html).not.toMatch(/href="/);
    const section = incidentsSection(html);
    expect(section).not.toMatch(/shard-\d-(primary|replica)/);
    // No values either: what the page says is that something happened, not the figures.
    expect(section).not.toMatch(/14 s|12 s|85 %/);
  });

  it('still renders the live status when the control DB is down, with incidents unavailable', async () => {
    sandbox('stop-node', 'control');
    const html = await renderHealthPage();
    expect(html).toContain('data-testid="fleet-status"');
    expect(html).toMatch(/data-testid="health-shard"/);
    expect(incidentsSection(html)).toContain('Incidents are unavailable');
    expect(html).not.toContain('data-testid="health-incident"');
  });
});
