'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';
import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { ApiClientError } from '@/lib/api/client';
import type { Role } from '@/lib/auth/roles';
import { useStatementDetailQuery } from '@/lib/queries/statements/statement-detail-query';
import { STATEMENT_RANGES, type StatementRange } from '@/lib/statements/statements-model';
import type { TopologyShard } from './explain-form-view';
import { ExplainPanel } from './ExplainPanel';
import { StatementCharts } from './StatementCharts';
import { StatementDetailSource } from './StatementDetailSource';
import { StatementHeader } from './StatementHeader';
import { StatementRangePicker } from './StatementRangePicker';
import { StatementShardTable } from './StatementShardTable';

export const DEFAULT_STATEMENT_RANGE: StatementRange = '1h';

function parseRange(value: string | null): StatementRange {
  return (STATEMENT_RANGES as readonly (string | null)[]).includes(value) ? (value as StatementRange) : DEFAULT_STATEMENT_RANGE;
}

/**
 * One statement across the fleet: its text, figures and charts over a range
 * (kept in `?range=`), per shard and node, and EXPLAIN. The EXPLAIN form
 * stays mounted across range changes and polls (it is keyed by the statement).
 * Needs a <Suspense> above (useSearchParams).
 */
export function StatementView({ statementHash, shards, role }: { statementHash: string; shards: TopologyShard[]; role: Role }) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const range = parseRange(searchParams.get('range'));
  const { data: detail, error, isPending, isPlaceholderData, isFetching } = useStatementDetailQuery(statementHash, range);

  const onRange = useCallback(
    (next: StatementRange) => {
      const params = new URLSearchParams(window.location.search);
      if (next === DEFAULT_STATEMENT_RANGE) params.delete('range');
      else params.set('range', next);
      const search = params.toString();
      window.history.replaceState(null, '', search ? `${pathname}?${search}` : pathname);
    },
    [pathname],
  );

  if (isPending) return <Skeleton count={2} />;
  if (error && !detail) {
    const missing = error instanceof ApiClientError && error.status === 404;
    return (
      <div data-testid="statement-missing">
        <AlertError subject="the statement" error={error} />
        {missing ? <p className="subtle">No node has recorded this statement in pg_stat_statements, or it was evicted or reset since the link was made.</p> : null}
      </div>
    );
  }
  if (!detail) return null;
  return (
    <section className="statement" data-testid="statement" data-statement-hash={detail.statementHash} aria-busy={isFetching}>
      <div className="statement-range">
        <span className="subtle">Figures over the last</span>
        <StatementRangePicker range={range} busy={isPlaceholderData} onChange={onRange} />
      </div>
      <div className={`statement-body${isPlaceholderData ? ' refreshing' : ''}`} data-testid="statement-range-view" data-range={isPlaceholderData ? undefined : detail.range}>
        <StatementDetailSource detail={detail} />
        <StatementHeader detail={detail} />
        <StatementCharts detail={detail} range={range} busy={isPlaceholderData} />
        <StatementShardTable shards={detail.shards} />
      </div>
      <ExplainPanel key={detail.statementHash} detail={detail} shards={shards} role={role} />
      {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
    </section>
  );
}
