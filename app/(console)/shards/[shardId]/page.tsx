import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { ShardHistoryCharts } from '@/components/history/ShardHistoryCharts';
import { ActivityPanel } from '@/components/shard/ActivityPanel';
import { BlockingPanel } from '@/components/shard/BlockingPanel';
import { PoolsPanel } from '@/components/shard/PoolsPanel';
import { ReplicationPanel } from '@/components/shard/ReplicationPanel';
import { Skeleton } from '@/components/ui/Skeleton';
import { requirePageSession } from '@/lib/auth/guard';
import { findShard } from '@/lib/fleet/topology';

export default async function ShardPage(props: { params: Promise<{ shardId: string }> }) {
  const { shardId } = await props.params;
  const session = await requirePageSession('viewer');
  const shard = findShard(shardId);
  if (!shard) notFound();
  return (
    <>
      <p className="subtle">
        <Link href="/">Fleet</Link> / {shard.id}
      </p>
      <h1>{shard.name ?? shard.id}</h1>
      <p className="subtle">
        {shard.nodes.length} nodes · each panel polls on its own; a node that does not answer shows as down in each panel while the rest keeps working.
      </p>
      <p>
        <Link href={`/shards/${encodeURIComponent(shard.id)}/indexes`} data-testid="index-advice-link">
          Index advice
        </Link>
      </p>
      <div className="panels">
        <BlockingPanel shardId={shard.id} role={session.role} />
        <ActivityPanel shardId={shard.id} role={session.role} />
        <ReplicationPanel shardId={shard.id} />
        <PoolsPanel shardId={shard.id} />
      </div>
      <Suspense fallback={<Skeleton />}>
        <ShardHistoryCharts shardId={shard.id} />
      </Suspense>
    </>
  );
}
