import Link from 'next/link';
import { Suspense } from 'react';
import { BalanceView } from '@/components/balance/BalanceView';
import { Skeleton } from '@/components/ui/Skeleton';
import { requirePageSession } from '@/lib/auth/guard';
import './balance.css';

export default async function BalancePage() {
  const session = await requirePageSession('viewer');
  return (
    <>
      <h1>Balance</h1>
      <p className="subtle">
        How evenly tenants weigh on the shards: skew is the heaviest active shard over the mean. Plan a rebalance to see which tenants would move and
        what it costs; planning is a dry run and changes nothing. Admins run a plan as online tenant moves; past runs, with their durations and
        write blocks, are under <Link href="/balance/runs" data-testid="runs-history-link">runs</Link>.
      </p>
      <Suspense fallback={<Skeleton count={2} />}>
        <BalanceView canAdminister={session.role === 'admin'} />
      </Suspense>
    </>
  );
}
