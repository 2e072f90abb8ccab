import Link from 'next/link';
import { Suspense } from 'react';
import { StatementView } from '@/components/queries/StatementView';
import { toTopology } from '@/components/queries/explain-form-view';
import { Skeleton } from '@/components/ui/Skeleton';
import { requirePageSession } from '@/lib/auth/guard';
import { getFleet } from '@/lib/fleet/topology';
import '../queries.css';

export default async function StatementPage(props: { params: Promise<{ statementHash: string }> }) {
  const { statementHash } = await props.params;
  const session = await requirePageSession('viewer');
  // EXPLAIN picks a node of the fleet file; the API refuses any other.
  const shards = toTopology(getFleet().shards);
  return (
    <>
      <p className="subtle">
        <Link href="/queries">Queries</Link> / <span className="mono">{statementHash}</span>
      </p>
      <h1>Statement</h1>
      <Suspense fallback={<Skeleton count={2} />}>
        <StatementView statementHash={statementHash} shards={shards} role={session.role} />
      </Suspense>
    </>
  );
}
