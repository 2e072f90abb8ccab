// Seeds demo tenants into the fleet named by SHARDSCOPE_FLEET_FILE; a no-op when already seeded.
// Flags: --tenants N (default 300), --scale X (row-count multiplier, default 1).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemoFleet } from '@/lib/demo/seed';
import { readFleetFile } from '@/lib/fleet/fleet-file';

const { values } = parseArgs({ options: { tenants: { type: 'string' }, scale: { type: 'string' } } });
const tenantCount = values.tenants === undefined ? 300 : Number(values.tenants);
const scale = values.scale === undefined ? 1 : Number(values.scale);
if (!Number.isInteger(tenantCount) || tenantCount < 1) throw new Error('--tenants must be a positive integer');
if (!(scale > 0)) throw new Error('--scale must be a positive number');

const fleetFile = path.resolve(process.env.SHARDSCOPE_FLEET_FILE ?? '.sandbox/demo/fleet.json');
const report = await seedDemoFleet(readFleetFile(fleetFile), { tenantCount, scale, log: (line) => console.log(`[seed] ${line}`) });
if (report.seeded) {
  const totals = Object.values(report.rowsByShard).reduce((sum, rows) => sum + rows.app_users + rows.orders + rows.events, 0);
  console.log(
    `seeded ${report.tenantCount} tenants (${report.schemaTenantCount} in their own schema), ${totals} rows in ${(report.elapsedMs / 1000).toFixed(1)} s`,
  );
} else {
  console.log(`already seeded (${report.tenantCount} tenants)`);
}
