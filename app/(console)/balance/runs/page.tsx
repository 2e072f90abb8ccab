import Link from 'next/link';
import { RunsHistory } from '@/components/moves/RunsHistory';
import { requirePageSession } from '@/lib/auth/guard';

export default async function RebalanceRunsPage() {
  await requirePageSession('viewer');
  return (
    <>
      <p className="subtle">
        <Link href="/balance">Balance</Link> / runs
      </p>
      <h1>Rebalance runs</h1>
      <p className="subtle">Every plan that was run, newest first, with how long it took and the longest window in which a moving tenant&apos;s writes waited.</p>
      <RunsHistory />
    </>
  );
}
