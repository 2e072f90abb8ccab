import { readFleetFile } from '@/lib/fleet/fleet-file';
import { migrateFleet } from '@/lib/migrate/migrate-fleet';
import { fleetFilePath, sandbox } from './sandbox';

/** A fresh sandbox fleet for the integration run, migrated; purged afterwards. */
export default async function setup(): Promise<() => void> {
  sandbox('down', '--purge');
  sandbox('up');
  await migrateFleet(readFleetFile(fleetFilePath));
  return () => {
    sandbox('down', '--purge');
  };
}
