import { mapWithConcurrency } from '@/lib/fleet/concurrency';
import { SharedFlight } from '@/lib/fleet/shared-flight';
import { getFleet } from '@/lib/fleet/topology';
import { assembleShardOverview, type FleetOverview } from './fleet-overview-model';
import { probeNode, type NodeProbe } from './node-status';
import { probePooler } from './pooler-status';
import { REPLICA_LAG_THRESHOLD_SECONDS } from './thresholds';

/** Probes in flight at once across the fleet: enough for every node of a mid-size fleet in one wave. */
const FLEET_PROBE_CONCURRENCY = 16;

/**
 * One fleet round trip serves every request within this window. Short enough
 * that a 5 s poll always sees fresh data; long enough that ten browsers polling
 * in step cost one round trip.
 */
export const FLEET_OVERVIEW_TTL_MS = 1000;

const overviewFlight = new SharedFlight<FleetOverview>('fleet-overview', FLEET_OVERVIEW_TTL_MS);

/** One uncoalesced round trip to every node and pooler. */
export async function collectFleetOverview(): Promise<FleetOverview> {
  const fleet = getFleet();
  const nodes = fleet.shards.flatMap((shard) => shard.nodes);
  const [nodeProbes, poolerProbes] = await Promise.all([
    mapWithConcurrency(nodes, FLEET_PROBE_CONCURRENCY, probeNode),
    mapWithConcurrency(fleet.shards, FLEET_PROBE_CONCURRENCY, probePooler),
  ]);
  const probesByNode = new Map<string, NodeProbe>(nodes.map((node, index) => [node.id, nodeProbes[index]]));
  return {
    generatedAt: new Date().toISOString(),
    lagThresholdSeconds: REPLICA_LAG_THRESHOLD_SECONDS,
    shards: fleet.shards.map((shard, index) => assembleShardOverview(shard, probesByNode, poolerProbes[index])),
  };
}

/** The live fleet overview, coalesced across web instances: concurrent and near-simultaneous callers share one round trip. */
export function getFleetOverview(): Promise<FleetOverview> {
  return overviewFlight.run('fleet', collectFleetOverview);
}
