// Applies control-plane and shard migrations to the fleet named by SHARDSCOPE_FLEET_FILE.
import path from 'node:path';
import { readFleetFile } from '@/lib/fleet/fleet-file';
import { migrateFleet } from '@/lib/migrate/migrate-fleet';

const fleetFile = path.resolve(process.env.SHARDSCOPE_FLEET_FILE ?? '.sandbox/demo/fleet.json');
const report = await migrateFleet(readFleetFile(fleetFile));
const summary = [`control: ${report.control.length ? report.control.join(', ') : 'up to date'}`]
  .concat(Object.entries(report.shards).map(([shard, versions]) => `${shard}: ${versions.length ? versions.join(', ') : 'up to date'}`));
console.log(`migrated ${summary.join('; ')}`);
