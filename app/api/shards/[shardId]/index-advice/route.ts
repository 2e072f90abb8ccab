import { apiRoute } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { getIndexAdvice } from '@/lib/statements/index-advice';

/** Index advice for one shard, read on its primary. Viewers and up. */
export const GET = apiRoute<{ shardId: string }>('viewer', async ({ params }) => getIndexAdvice(requireShard(params.shardId)));
