import { z } from 'zod';
import { apiRoute } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { getShardReplication } from '@/lib/monitor/replication';

const routeParams = z.object({ shardId: z.string().min(1) });

/** The Replication panel: standbys and slots seen from the primary, each replica seen from itself. */
export const GET = apiRoute<{ shardId: string }>('viewer', async ({ params }) => {
  const { shardId } = routeParams.parse(params);
  return getShardReplication(requireShard(shardId));
});
