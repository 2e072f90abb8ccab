import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { requireShard } from '@/lib/fleet/lookup';
import { resetStatements, statementsResetRequestSchema } from '@/lib/statements/statements-reset';

/** Empties pg_stat_statements on one node of the shard. Admins only; audited. */
export const POST = apiRoute<{ shardId: string }>('admin', async ({ request, session, params }) => {
  const shard = requireShard(params.shardId);
  const { nodeId } = await parseJsonBody(request, statementsResetRequestSchema);
  return resetStatements({ shard, nodeId, actor: session });
});
