import { apiRoute } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { getShardPools } from '@/lib/monitor/pools';

/** The Pools panel: PgBouncer pools, traffic and connections, and the console's own pools. */
export const GET = apiRoute<{ shardId: string }>('viewer', ({ params }) => getShardPools(requireShard(params.shardId)));
