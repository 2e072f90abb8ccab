import { z } from 'zod';
import { apiRoute } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { getReadTarget } from '@/lib/monitor/read-target';

const routeParams = z.object({ shardId: z.string().min(1) });

/** Where the shard's reads should go now (host, port, database; never credentials) and why. */
export const GET = apiRoute<{ shardId: string }>('viewer', async ({ params }) => {
  const { shardId } = routeParams.parse(params);
  return getReadTarget(requireShard(shardId));
});
