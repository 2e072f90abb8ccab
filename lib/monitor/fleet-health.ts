import { getFleetOverview } from './fleet-overview';
import type { FleetOverview, ShardHealth } from './fleet-overview-model';

/**
 * What the public /health page may show: per shard up/down and lag. No tenant
 * names, URLs, versions, errors or other details an outsider could use.
 */
export interface PublicFleetHealth {
  generatedAt: string;
  status: ShardHealth;
  shards: {
    id: string;
    health: ShardHealth;
    nodes: { id: string; role: string; up: boolean; lagSeconds: number | null; lagBytes: number | null }[];
  }[];
}

export function toPublicFleetHealth(overview: FleetOverview): PublicFleetHealth {
  const healths = overview.shards.map((shard) => shard.health);
  const status: ShardHealth = healths.includes('down') ? 'down' : healths.includes('degraded') ? 'degraded' : 'healthy';
  return {
    generatedAt: overview.generatedAt,
    status,
    shards: overview.shards.map((shard) => ({
      id: shard.id,
      health: shard.health,
      nodes: shard.nodes.map((node) => ({
        id: node.id,
        role: node.role,
        up: node.up,
        lagSeconds: node.replication?.lagSeconds ?? null,
        lagBytes: node.replication?.lagBytes ?? null,
      })),
    })),
  };
}

/** The public view of the (coalesced) live overview. */
export async function getPublicFleetHealth(): Promise<PublicFleetHealth> {
  return toPublicFleetHealth(await getFleetOverview());
}
