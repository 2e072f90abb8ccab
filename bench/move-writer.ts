import pg from 'pg';
import { getControlPool } from '@/lib/control/db';
import { findShard } from '@/lib/fleet/topology';
import { FENCED_SQLSTATE, MOVED_SQLSTATE } from '@/lib/rebalance/move-model';
import { TENANT_ROUTE_SQL } from './move-sql';

/**
 * An app writing one tenant's orders at a steady rate, through the shard's
 * pooler (as the platform's apps connect), to the shard the directory names.
 * A write refused by the move's fence (SSF01) or by a shard the tenant left
 * (SSM01) re-reads the directory after a short pause and is retried, the
 * same order, until a shard takes it. Each order's amount_cents is its
 * sequence number, so the acknowledged ones can be looked for afterwards.
 */

export interface WriterOptions {
  writesPerSecond: number;
  /** Pause before re-reading the route after a refusal: how soon an app polling its route would try again. */
  retryPauseMs: number;
  /** The first sequence number (amount_cents); the seeded orders stay below it. */
  firstValue: number;
}

export interface TenantWriter {
  /** Sequence numbers of the acknowledged orders, in order. */
  acknowledged: number[];
  /** When each was acknowledged (epoch ms), parallel to `acknowledged`. */
  acknowledgedAt: number[];
  refusals: () => number;
  /** Errors other than the fence's, one line each (the order was not retried). */
  failures: string[];
  stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Behind by up to this many intervals (a slow insert on a busy host), the
 * writer catches up; further behind (a write held by the fence), it resumes
 * its pace instead of bursting.
 */
const MAX_BACKLOG_INTERVALS = 20;

const INSERT_ORDER_SQL = `insert into orders (tenant_id, amount_cents) values ($1, $2)`;

async function routedShard(tenantId: string): Promise<string> {
  const row = (await getControlPool().query<{ shard_id: string }>(TENANT_ROUTE_SQL, [tenantId])).rows[0];
  if (!row) throw new Error(`tenant ${tenantId} is not in the directory`);
  return row.shard_id;
}

export function startTenantWriter(tenantId: string, options: WriterOptions): TenantWriter {
  const acknowledged: number[] = [];
  const acknowledgedAt: number[] = [];
  const failures: string[] = [];
  const clients = new Map<string, pg.Client>();
  let refusals = 0;
  let running = true;

  const clientFor = async (shardId: string): Promise<pg.Client> => {
    const known = clients.get(shardId);
    if (known) return known;
    const poolerUrl = findShard(shardId)?.pooler?.url;
    if (!poolerUrl) throw new Error(`shard ${shardId} has no pooler in the fleet file`);
    const client = new pg.Client({ connectionString: poolerUrl, application_name: 'bench-move-writer' });
    client.on('error', () => {});
    await client.connect();
    clients.set(shardId, client);
    return client;
  };

  const writeUntilTaken = async (value: number, shardId: string): Promise<string> => {
    for (;;) {
      try {
        await (await clientFor(shardId)).query(INSERT_ORDER_SQL, [tenantId, value]);
        acknowledged.push(value);
        acknowledgedAt.push(Date.now());
        return shardId;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== FENCED_SQLSTATE && code !== MOVED_SQLSTATE) {
          failures.push(`order ${value} on ${shardId}: ${code ?? ''} ${(error as Error).message}`);
          return shardId;
        }
        refusals += 1;
        await sleep(options.retryPauseMs);
        shardId = await routedShard(tenantId);
      }
    }
  };

  const done = (async () => {
    const intervalMs = 1000 / options.writesPerSecond;
    let shardId = await routedShard(tenantId);
    let due = performance.now();
    for (let value = options.firstValue; running; value++) {
      shardId = await writeUntilTaken(value, shardId);
      due += intervalMs;
      const ahead = due - performance.now();
      if (ahead > 0) await sleep(ahead);
      else if (ahead < -MAX_BACKLOG_INTERVALS * intervalMs) due = performance.now();
    }
    for (const client of clients.values()) await client.end().catch(() => {});
  })();

  return {
    acknowledged,
    acknowledgedAt,
    refusals: () => refusals,
    failures,
    stop: async () => {
      running = false;
      await done;
    },
  };
}
