import pg from 'pg';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { MAX_BACKOFF_MS, OUTAGE_LOG_INTERVAL_MS, QUERY_TIMEOUT_MS } from './load-queries';
import type { RoutedTenant } from './tenant-directory';

/**
 * How the demo load lives with shards that come and go: per-shard backoff
 * after a failure, the tenant-tagged connections it opens through each
 * shard's PgBouncer, and log lines rate-limited per topic so an outage does
 * not flood the terminal.
 */

export type LogEvery = (topic: string, line: string) => void;

/** A log that says each topic at most once per OUTAGE_LOG_INTERVAL_MS. */
export function logAtMostEvery(log: (line: string) => void): LogEvery {
  const lastLogged = new Map<string, number>();
  return (topic, line) => {
    if (Date.now() - (lastLogged.get(topic) ?? 0) < OUTAGE_LOG_INTERVAL_MS) return;
    lastLogged.set(topic, Date.now());
    log(line);
  };
}

/** Lost or unreachable server (including PgBouncer giving up on it), as opposed to an error in one statement. */
export function isConnectionFailure(error: unknown): boolean {
  const { code = '', message = '' } = error as { code?: string; message?: string };
  return /^(08|57P)/.test(code) || /^E(CONN|PIPE|TIMEDOUT|HOSTUNREACH)/.test(code) || /terminat|timeout|connect|closed/i.test(message);
}

/** Shards that failed recently are skipped until their backoff ends (0.5 s doubling to 10 s). */
export class ShardOutages {
  private readonly outages = new Map<string, { failures: number; retryAt: number }>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly logEvery: LogEvery,
  ) {}

  failed(shardId: string, error: unknown): void {
    const failures = (this.outages.get(shardId)?.failures ?? 0) + 1;
    const backoffMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
    this.outages.set(shardId, { failures, retryAt: Date.now() + backoffMs });
    this.logEvery(`shard:${shardId}`, `${shardId}: unreachable through its pooler (${(error as Error).message}); backing off ${backoffMs / 1000} s`);
  }

  answered(shardId: string): void {
    if (this.outages.delete(shardId)) this.log(`${shardId}: answering again`);
  }

  available(shardId: string): boolean {
    return (this.outages.get(shardId)?.retryAt ?? 0) <= Date.now();
  }
}

/** The load's connections, each tagged `tenant:<id>` as the platform's apps tag theirs; all closed when the load stops. */
export class TenantConnections {
  private readonly open = new Set<pg.Client>();

  constructor(
    private readonly signal: AbortSignal,
    private readonly outages: ShardOutages,
  ) {}

  async connect(shard: ShardConfig, tenant: RoutedTenant): Promise<pg.Client | null> {
    const client = new pg.Client({
      connectionString: shard.pooler!.url,
      application_name: `tenant:${tenant.id}`,
      connectionTimeoutMillis: 3000,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    client.on('error', () => {}); // a server going away mid-session surfaces on the next query
    this.open.add(client);
    try {
      await client.connect();
      return client;
    } catch (error) {
      this.open.delete(client);
      if (!this.signal.aborted) this.outages.failed(shard.id, error);
      return null;
    }
  }

  async close(client: pg.Client): Promise<void> {
    this.open.delete(client);
    await client.end().catch(() => {});
  }

  closeAll(): void {
    this.open.forEach((client) => void client.end().catch(() => {}));
  }
}
