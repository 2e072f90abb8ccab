import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { listAuditPage } from '@/lib/audit/audit-log';
import { writeAudit } from '@/lib/auth/audit';
import { getControlPool } from '@/lib/control/db';
import { checkReadiness } from '@/lib/control/readiness';
import { getFleet } from '@/lib/fleet/topology';
import { migrateFleet } from '@/lib/migrate/migrate-fleet';
import { getConnectedRedis } from '@/lib/redis/client';
import { recordTenantUsage } from '@/lib/tenants/usage-counters';
import { tenantUsageKey } from '@/lib/tenants/usage-keys';

describe('control plane', () => {
  it('applies nothing when the migrations are run a second time', async () => {
    const report = await migrateFleet(getFleet());
    expect(report).toEqual({ control: [], shards: { 'shard-1': [], 'shard-2': [] } });
    const { rows } = await getControlPool().query('select version from supabase_migrations.schema_migrations');
    expect(rows.length).toBeGreaterThan(0);
  });

  it('retires a shard that left the fleet file, keeps an admin\'s draining, and reactivates a retired shard that is back', async () => {
    const control = getControlPool();
    await control.query(`insert into shards (id, name) values ('shard-gone', 'gone') on conflict (id) do update set status = 'active'`);
    await control.query(`update shards set status = 'retired' where id = 'shard-1'`);
    await control.query(`update shards set status = 'draining' where id = 'shard-2'`);
    try {
      await migrateFleet(getFleet());
      const { rows } = await control.query('select id, status from shards order by id');
      expect(rows).toEqual([
        { id: 'shard-1', status: 'active' },
        { id: 'shard-2', status: 'draining' },
        { id: 'shard-gone', status: 'retired' },
      ]);
    } finally {
      await control.query(`delete from shards where id = 'shard-gone'`);
      await control.query(`update shards set status = 'active' where id in ('shard-1', 'shard-2')`);
    }
  });

  it('registers the fleet file shards and a tier ladder whose limits rise with the tier', async () => {
    const shards = await getControlPool().query('select id from shards order by id');
    expect(shards.rows.map((row) => row.id)).toEqual(['shard-1', 'shard-2']);
    const tiers = await getControlPool().query(
      'select tier, max_connections, max_api_calls_per_hour::float8 as calls, max_storage_bytes::float8 as bytes, max_users from tier_limits order by rank',
    );
    expect(tiers.rows.map((row) => row.tier)).toEqual(['free', 'starter', 'professional', 'enterprise']);
    for (let index = 1; index < tiers.rows.length; index += 1) {
      for (const column of ['max_connections', 'calls', 'bytes', 'max_users']) {
        expect(tiers.rows[index][column]).toBeGreaterThan(tiers.rows[index - 1][column]);
      }
    }
  });

  it('is ready when the control DB and Redis answer', async () => {
    const readiness = await checkReadiness();
    expect(readiness.ready).toBe(true);
    expect(readiness.checks.controlDb.ok && readiness.checks.redis.ok).toBe(true);
  });

  it('writes audit rows and reads them back newest first', async () => {
    await writeAudit({ actor: 'it-admin', actorRole: 'admin', action: 'test.first', result: 'ok', detail: { n: 1 } });
    await writeAudit({ actor: 'it-admin', actorRole: 'admin', action: 'test.second', target: 'shard-1', result: 'refused' });
    const {
      entries: [newest, previous],
    } = await listAuditPage({}, 2);
    expect(newest).toMatchObject({ action: 'test.second', target: 'shard-1', result: 'refused' });
    expect(previous).toMatchObject({ action: 'test.first', detail: { n: 1 } });
  });

  it('refuses an audit row with an unknown result at the database', async () => {
    await expect(
      getControlPool().query(`insert into audit_log (actor, actor_role, action, result) values ('x', 'admin', 'y', 'maybe')`),
    ).rejects.toBeInstanceOf(pg.DatabaseError);
  });
});

describe('tenant usage counters in Redis', () => {
  it('counts into the tenant hour bucket and sets an expiry', async () => {
    const redis = await getConnectedRedis();
    const tenantId = '11111111-2222-4333-8444-555555555555';
    const at = new Date('2026-11-21T10:30:00Z');
    const key = tenantUsageKey(tenantId, at);
    await redis.del(key);
    await recordTenantUsage(redis, tenantId, { api_calls: 3, cache_hit: 2 }, at);
    await recordTenantUsage(redis, tenantId, { api_calls: 1, cache_miss: 1 }, at);
    expect(await redis.hgetall(key)).toEqual({ api_calls: '4', cache_hit: '2', cache_miss: '1' });
    expect(await redis.ttl(key)).toBeGreaterThan(7 * 24 * 3600);
  });
});
