import Link from 'next/link';
import { notFound } from 'next/navigation';
import { IndexAdviceView } from '@/components/queries/IndexAdviceView';
import { StatementsResetPanel } from '@/components/queries/StatementsResetPanel';
import { toTopology } from '@/components/queries/explain-form-view';
import { requirePageSession } from '@/lib/auth/guard';
import { findShard } from '@/lib/fleet/topology';
import '../../../queries/queries.css';

export default async function ShardIndexesPage(props: { params: Promise<{ shardId: string }> }) {
  const { shardId } = await props.params;
  const session = await requirePageSession('viewer');
  const shard = findShard(shardId);
  if (!shard) notFound();
  const [topology] = toTopology([shard]);
  return (
    <>
      <p className="subtle">
        <Link href="/">Fleet</Link> / <Link href={`/shards/${encodeURIComponent(shard.id)}`}>{shard.id}</Link> / indexes
      </p>
      <h1>Index advice · {shard.name ?? shard.id}</h1>
      <p className="subtle">
        Read from the primary&apos;s statistics: tables that want an index, indexes that cost writes and space for nothing, and tables vacuum or analyze
        has fallen behind on. The console never changes a shard&apos;s schema: copy the statements and run them yourself. Slow statements on this shard:{' '}
        <Link href={`/queries?shardId=${encodeURIComponent(shard.id)}`}>Queries</Link>.
      </p>
      <div className="panels">
        <IndexAdviceView shardId={shard.id} />
        {session.role === 'admin' ? <StatementsResetPanel shardId={shard.id} nodes={topology.nodes} /> : null}
      </div>
    </>
  );
}
