import { describe, expect, it } from 'vitest';
import { apportionedTableBytes, apportionSharedStorage, schemaStorage, type SharedTableScan } from '@/lib/tenants/storage-measurement-model';
import { schemaUsersSql } from '@/lib/tenants/storage-measurement-sql';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const GONE = '00000000-0000-4000-8000-0000000000ff';

function scan(table: SharedTableScan['table'], heapBytes: number, indexBytes: number, byTenant: Record<string, [number, number]>): SharedTableScan {
  return {
    table,
    heapBytes,
    indexBytes,
    byTenant: new Map(Object.entries(byTenant).map(([id, [rowBytes, rows]]) => [id, { rowBytes, rows }])),
  };
}

describe('apportioning shared tables between their tenants', () => {
  it('splits the heap by row bytes and the indexes by row count', () => {
    // A: 1 large row (900 bytes), B: 9 small rows (100 bytes together).
    expect(apportionedTableBytes({ rowBytes: 900, rows: 1 }, { rowBytes: 1000, rows: 10 }, 10_000, 2_000)).toBeCloseTo(9_000 + 200);
    expect(apportionedTableBytes({ rowBytes: 100, rows: 9 }, { rowBytes: 1000, rows: 10 }, 10_000, 2_000)).toBeCloseTo(1_000 + 1_800);
  });

  it('hands out the whole size of every table, rows of tenants no longer routed here included', () => {
    const scans = [
      scan('app_users', 8192, 16384, { [A]: [600, 10], [B]: [300, 5], [GONE]: [100, 1] }),
      scan('orders', 81920, 32768, { [A]: [5000, 80], [GONE]: [5000, 80] }),
      scan('events', 819200, 163840, { [B]: [70000, 900], [GONE]: [30000, 100] }),
    ];
    const [a, b, gone] = apportionSharedStorage([A, B, GONE], scans);
    const total = scans.reduce((sum, table) => sum + table.heapBytes + table.indexBytes, 0);
    expect(a.storageBytes + b.storageBytes + gone.storageBytes).toBeGreaterThanOrEqual(total - 2);
    expect(a.storageBytes + b.storageBytes + gone.storageBytes).toBeLessThanOrEqual(total + 2);
    expect(apportionSharedStorage([A], scans)[0]).toEqual(a);
  });

  it('counts users as the tenant’s app_users rows', () => {
    const scans = [scan('app_users', 8192, 16384, { [A]: [600, 17] }), scan('orders', 8192, 16384, { [A]: [600, 40] })];
    expect(apportionSharedStorage([A], scans)[0]).toMatchObject({ users: 17, method: 'apportioned' });
  });

  it('gives a tenant without rows 0 bytes and 0 users, also on empty tables', () => {
    const scans = [scan('app_users', 0, 8192, {}), scan('events', 8192, 16384, { [A]: [100, 1] })];
    expect(apportionSharedStorage([B], scans)).toEqual([{ tenantId: B, storageBytes: 0, users: 0, method: 'apportioned' }]);
  });
});

describe('schema tenants', () => {
  it('takes the schema’s measured size and users, and 0 for a schema the shard does not have', () => {
    const sizes = new Map([
      ['tenant_a', { totalBytes: 123_456, users: 17 }],
      ['tenant_b', { totalBytes: 8192, users: null }],
    ]);
    const measured = schemaStorage(
      [
        { tenantId: A, schemaName: 'tenant_a' },
        { tenantId: B, schemaName: 'tenant_b' },
        { tenantId: GONE, schemaName: 'tenant_gone' },
      ],
      sizes,
    );
    expect(measured).toEqual([
      { tenantId: A, storageBytes: 123_456, users: 17, method: 'schema' },
      { tenantId: B, storageBytes: 8192, users: 0, method: 'schema' },
      { tenantId: GONE, storageBytes: 0, users: 0, method: 'schema' },
    ]);
  });

  it('counts users with quoted schema names and refuses a name that is not a tenant schema', () => {
    expect(schemaUsersSql(['tenant_a', 'tenant_b'])).toContain('from "tenant_b".app_users');
    expect(() => schemaUsersSql(['public'])).toThrow(/not a tenant schema name/);
    expect(() => schemaUsersSql(['x"; drop table y; --'])).toThrow(/not a tenant schema name/);
  });
});
