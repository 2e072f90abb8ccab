import { Suspense } from 'react';
import { StatementsView } from '@/components/queries/StatementsView';
import { toTopology } from '@/components/queries/explain-form-view';
import { Skeleton } from '@/components/ui/Skeleton';
import { getFleet } from '@/lib/fleet/topology';
import './queries.css';

export default function QueriesPage() {
  // The shard and node filters offer the fleet file's nodes; the API refuses any other.
  const shards = toTopology(getFleet().shards);
  return (
    <>
      <h1>Queries</h1>
      <p className="subtle">
        The fleet&apos;s statements from pg_stat_statements, merged across shards by their normalized text (queryid differs between databases). Expand a
        row for its shards; an outlier is a shard where the same statement is far slower than elsewhere.
      </p>
      <Suspense fallback={<Skeleton />}>
        <StatementsView shards={shards} />
      </Suspense>
    </>
  );
}
