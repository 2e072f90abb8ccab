import { apiRoute } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { getReadTarget } from '@/lib/monitor/read-target';

/** Where the shard's reads should go now (host, port, database; never credentials) and why. */
export const GET = apiRoute<{ shardId: string }>('viewer', ({ params }) => getReadTarget(requireShard(params.shardId)));
