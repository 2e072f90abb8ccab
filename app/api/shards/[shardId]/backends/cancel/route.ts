import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { requireNode, requireShard } from '@/lib/fleet/lookup';
import { backendSignalRequestSchema, signalBackend } from '@/lib/monitor/backend-signals';

/** Cancels a backend's running query; the session stays connected. Operators and admins. */
export const POST = apiRoute<{ shardId: string }>('operator', async ({ request, session, params }) => {
  const shard = requireShard(params.shardId);
  const { nodeId, pid, backendStart } = await parseJsonBody(request, backendSignalRequestSchema);
  return signalBackend({ shard, node: requireNode(shard, nodeId), pid, backendStart, action: 'cancel', actor: session });
});
