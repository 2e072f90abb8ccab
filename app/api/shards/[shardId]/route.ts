import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { setShardStatus, shardStatusRequestSchema } from '@/lib/rebalance/shard-status';

/** Mark a shard draining or active again (admin, audited). */
export const PATCH = apiRoute<{ shardId: string }>('admin', async ({ request, session, params }) =>
  setShardStatus(params.shardId, await parseJsonBody(request, shardStatusRequestSchema), session),
);
