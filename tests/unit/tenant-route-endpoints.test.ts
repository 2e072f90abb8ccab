import { describe, expect, it } from 'vitest';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import type { ReadTarget } from '@/lib/monitor/replication-types';
import { primaryReaderFallback, readerEndpoint, toTenantRoute, writerEndpoint } from '@/lib/tenants/tenant-route-endpoints';

const shard: ShardConfig = {
  id: 'shard-1',
  name: 'Shard 1',
  adminUrl: 'postgres://owner:owner-secret@10.0.0.5:5432/app',
  pooler: {
    url: 'postgres://app:app-secret@pgbouncer-1.internal:6432/app',
    adminUrl: 'postgres://stats:stats-secret@pgbouncer-1.internal:6432/pgbouncer',
  },
  nodes: [
    { id: 'shard-1-primary', role: 'primary', url: 'postgres://monitor:monitor-secret@10.0.0.5:5432/app' },
    { id: 'shard-1-replica-1', role: 'replica', url: 'postgres://monitor:monitor-secret@10.0.0.6:5433/app' },
  ],
};

function readTarget(role: 'primary' | 'replica', reason: string): ReadTarget {
  const node = role === 'replica' ? { nodeId: 'shard-1-replica-1', host: '10.0.0.6', port: 5433 } : { nodeId: 'shard-1-primary', host: '10.0.0.5', port: 5432 };
  return { shardId: 'shard-1', target: { ...node, role, database: 'app' }, reason, lagThresholdSeconds: 10, candidates: [] };
}

const row = { id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', shard_id: 'shard-1', status: 'active' as const, layout: 'shared' as const, schema_name: null, route_version: '3' };

describe('tenant route endpoints', () => {
  it('sends writes to the shard PgBouncer', () => {
    expect(writerEndpoint(shard)).toEqual({ host: 'pgbouncer-1.internal', port: 6432, database: 'app' });
  });

  it('sends writes to the primary when the shard has no pooler', () => {
    expect(writerEndpoint({ ...shard, pooler: undefined })).toEqual({ host: '10.0.0.5', port: 5432, database: 'app' });
  });

  it('names the replica without the lag of the moment, so an unchanged route keeps its ETag', () => {
    const a = readerEndpoint(readTarget('replica', 'shard-1-replica-1: streaming, 1.2 kB / 3 ms behind'));
    const b = readerEndpoint(readTarget('replica', 'shard-1-replica-1: streaming, 9.8 kB / 41 ms behind'));
    expect(a).toEqual(b);
    expect(a).toMatchObject({ nodeId: 'shard-1-replica-1', role: 'replica', host: '10.0.0.6', port: 5433, database: 'app' });
    expect(a.reason).toBe('shard-1-replica-1 is streaming within the 10 s lag threshold');
  });

  it('keeps the read target reason when reads fall back to the primary', () => {
    const reason = 'no replica under 10 s: reads go to the primary (shard-1-replica-1 failed); shard-1-primary is down too';
    expect(readerEndpoint(readTarget('primary', reason))).toMatchObject({ role: 'primary', nodeId: 'shard-1-primary', reason });
    expect(primaryReaderFallback(shard)).toMatchObject({ role: 'primary', nodeId: 'shard-1-primary', host: '10.0.0.5', port: 5432 });
  });

  it('assembles the route with a numeric version and no credentials anywhere', () => {
    const route = toTenantRoute(row, shard, readerEndpoint(readTarget('replica', 'x')));
    expect(route).toMatchObject({ tenantId: row.id, shardId: 'shard-1', status: 'active', layout: 'shared', schemaName: null, version: 3 });
    expect(JSON.stringify(route)).not.toMatch(/secret|monitor|owner|stats|app:/);
  });
});
