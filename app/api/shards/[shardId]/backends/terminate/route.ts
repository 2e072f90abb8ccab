import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { requireNode, requireShard } from '@/lib/fleet/lookup';
import { backendSignalRequestSchema, signalBackend } from '@/lib/monitor/backend-signals';

/** Closes a backend's connection (its open transaction rolls back). Admins only. */
export const POST = apiRoute<{ shardId: string }>('admin', async ({ request, session, params }) => {
  const shard = requireShard(params.shardId);
  const { nodeId, pid, backendStart } = await parseJsonBody(request, backendSignalRequestSchema);
  return signalBackend({ shard, node: requireNode(shard, nodeId), pid, backendStart, action: 'terminate', actor: session });
});
