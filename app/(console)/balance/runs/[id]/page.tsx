import Link from 'next/link';
import { RunView } from '@/components/moves/RunView';
import { requirePageSession } from '@/lib/auth/guard';

export default async function RebalanceRunPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const session = await requirePageSession('viewer');
  return (
    <>
      <p className="subtle">
        <Link href="/balance">Balance</Link> / <Link href="/balance/runs">runs</Link> / <span className="mono">{id}</span>
      </p>
      <h1>Rebalance run</h1>
      <RunView runId={id} canAdminister={session.role === 'admin'} />
    </>
  );
}
