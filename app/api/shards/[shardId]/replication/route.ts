import { apiRoute } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { getShardReplication } from '@/lib/monitor/replication';

/** The Replication panel: standbys and slots seen from the primary, each replica seen from itself. */
export const GET = apiRoute<{ shardId: string }>('viewer', ({ params }) => getShardReplication(requireShard(params.shardId)));
