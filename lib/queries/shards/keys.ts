export const shardKeys = {
  all: ['shards'] as const,
  detail: (shardId: string) => [...shardKeys.all, shardId] as const,
  activity: (shardId: string) => [...shardKeys.detail(shardId), 'activity'] as const,
  queryText: (shardId: string, nodeId: string, pid: number, backendStart: string) =>
    [...shardKeys.activity(shardId), 'query-text', nodeId, pid, backendStart] as const,
  replication: (shardId: string) => [...shardKeys.detail(shardId), 'replication'] as const,
  pools: (shardId: string) => [...shardKeys.detail(shardId), 'pools'] as const,
};
