import type { PoolerProbe } from '@/lib/monitor/pooler-status';
import { StatusBadge } from '@/components/ui/StatusBadge';

export function PoolerSummary({ pooler }: { pooler: PoolerProbe }) {
  if (!pooler.configured) return <p className="subtle">No PgBouncer configured for this shard.</p>;
  if (!pooler.up) {
    return (
      <p data-testid="pooler-status" data-status="down">
        PgBouncer <StatusBadge tone="bad">down</StatusBadge> <span className="subtle">{pooler.error}</span>
      </p>
    );
  }
  return (
    <p data-testid="pooler-status" data-status="up">
      PgBouncer <StatusBadge tone="ok">answers</StatusBadge>{' '}
      <span className="subtle">
        {pooler.version} · clients {pooler.clientsActive} active, {pooler.clientsWaiting} waiting · servers {pooler.serversActive} active,{' '}
        {pooler.serversIdle} idle · max wait {pooler.maxWaitSeconds} s
      </span>
    </p>
  );
}
