import { apiRoute } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { getShardActivity } from '@/lib/monitor/activity';

/** Live sessions, blocking trees and tenant attribution of every node of the shard. */
export const GET = apiRoute<{ shardId: string }>('viewer', ({ params }) => getShardActivity(requireShard(params.shardId)));
