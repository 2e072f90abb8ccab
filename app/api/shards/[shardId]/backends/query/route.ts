import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { requireNode, requireShard } from '@/lib/fleet/lookup';
import { backendQueryTextRequestSchema, getBackendQueryText } from '@/lib/monitor/backend-signals';

/** The full text of one backend's query, fetched when the operator expands it. */
export const GET = apiRoute<{ shardId: string }>('viewer', async ({ request, params }) => {
  const shard = requireShard(params.shardId);
  const { nodeId, pid, backendStart } = parseSearchParams(request, backendQueryTextRequestSchema);
  return getBackendQueryText({ node: requireNode(shard, nodeId), pid, backendStart });
});
