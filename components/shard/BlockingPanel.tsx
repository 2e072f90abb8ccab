'use client';

import type { Role } from '@/lib/auth/roles';
import { useShardActivityQuery } from '@/lib/queries/shards/shard-activity-query';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { BlockingTree } from './BlockingTree';
import { NodeDownNotice } from './NodeDownNotice';

/** Shares the activity query (same key): no second round trip for the blocking view. */
export function BlockingPanel({ shardId, role }: { shardId: string; role: Role }) {
  const { data, error, isPending } = useShardActivityQuery(shardId);
  return (
    <section className="card panel" data-testid="panel-blocking">
      <header>
        <h2>Blocking</h2>
        <span className="subtle">from pg_blocking_pids(): who blocks whom, on what, for how long</span>
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="blocking sessions" error={error} /> : null}
      {data?.nodes.map((node) =>
        node.up ? (
          <div key={node.nodeId} className="node-block">
            <h3 className="mono">{node.nodeId}</h3>
            <BlockingTree trees={node.blockingTrees} shardId={shardId} nodeId={node.nodeId} role={role} />
          </div>
        ) : (
          <NodeDownNotice key={node.nodeId} nodeId={node.nodeId} error={node.error} />
        ),
      )}
    </section>
  );
}
