import type pg from 'pg';
import { FENCED_SQLSTATE, MOVED_SQLSTATE } from '@/lib/rebalance/move-model';
import { connectAsApp, nodePort } from './sandbox';
import { withControl } from './workers';

/**
 * An app writing a moving tenant's orders (amount_cents = a counter from
 * `base`) at ~100/s on the primary the directory names; a fenced or moved
 * refusal re-reads the directory and retries the same order. What it
 * acknowledged is what must be on the tenant's final shard.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const shardNumber = (shardId: string) => Number(shardId.replace('shard-', '')) as 1 | 2;

export const directoryRow = (tenantId: string) =>
  withControl(async (client) => (await client.query(`select shard_id, status from tenants where id = $1`, [tenantId])).rows[0] as { shard_id: string; status: string });

export interface MoveWriter {
  acknowledged: number[];
  failures: string[];
  staleRefusals: () => number;
  stop: () => Promise<void>;
}

export function startWriter(tenantId: string, base: number, applicationName: string): MoveWriter {
  const acknowledged: number[] = [];
  const failures: string[] = [];
  let staleRefusals = 0;
  let running = true;
  const clients = new Map<number, pg.Client>();
  const clientFor = async (n: 1 | 2) => {
    if (!clients.has(n)) clients.set(n, await connectAsApp(nodePort(n, 'primary'), applicationName));
    return clients.get(n)!;
  };
  const done = (async () => {
    let shard = shardNumber((await directoryRow(tenantId)).shard_id);
    for (let next = base; running; next++) {
      for (;;) {
        try {
          await (await clientFor(shard)).query(`insert into orders (tenant_id, amount_cents) values ($1, $2)`, [tenantId, next]);
          acknowledged.push(next);
          break;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== FENCED_SQLSTATE && code !== MOVED_SQLSTATE) {
            failures.push(`${code}: ${(error as Error).message}`);
            break;
          }
          staleRefusals += 1;
          await sleep(20);
          shard = shardNumber((await directoryRow(tenantId)).shard_id);
        }
      }
      await sleep(10);
    }
    for (const client of clients.values()) await client.end().catch(() => {});
  })();
  return {
    acknowledged,
    failures,
    staleRefusals: () => staleRefusals,
    stop: async () => {
      running = false;
      await done;
    },
  };
}
