import { z } from 'zod';
import { apiRoute } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { getShardPools } from '@/lib/monitor/pools';

const routeParams = z.object({ shardId: z.string().min(1) });

/** The Pools panel: PgBouncer pools, traffic and connections, and the console's own pools. */
export const GET = apiRoute<{ shardId: string }>('viewer', async ({ params }) => {
  const { shardId } = routeParams.parse(params);
  return getShardPools(requireShard(shardId));
});
