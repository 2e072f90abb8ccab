import Link from 'next/link';
import type { ShardOverview } from '@/lib/monitor/fleet-overview-model';
import { StatusBadge, type BadgeTone } from '@/components/ui/StatusBadge';
import { NodeTable } from './NodeTable';
import { PoolerSummary } from './PoolerSummary';

const HEALTH_TONE: Record<ShardOverview['health'], BadgeTone> = { healthy: 'ok', degraded: 'warn', down: 'bad' };

export function ShardCard({ shard }: { shard: ShardOverview }) {
  return (
    <section className="card" data-testid="shard-card" data-shard-id={shard.id} aria-label={shard.name}>
      <header>
        <h2>
          <Link href={`/shards/${encodeURIComponent(shard.id)}`}>{shard.name}</Link> <span className="subtle mono">{shard.id}</span>
        </h2>
        <StatusBadge tone={HEALTH_TONE[shard.health]} testId="shard-health">
          {shard.health}
        </StatusBadge>
      </header>
      {shard.problems.length > 0 ? (
        <ul className="problems">
          {shard.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      <NodeTable nodes={shard.nodes} />
      <PoolerSummary pooler={shard.pooler} />
    </section>
  );
}
