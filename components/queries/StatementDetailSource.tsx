import { StatusBadge } from '@/components/ui/StatusBadge';
import type { StatementDetail } from '@/lib/statements/statements-model';
import { MissingNodesBanner } from './MissingNodesBanner';
import { detailSourceText } from './statement-figures-view';

/** Snapshot deltas or a live read, and the nodes missing from the statement's figures. */
export function StatementDetailSource({ detail }: { detail: StatementDetail }) {
  const source = detail.source ?? 'snapshots';
  return (
    <div className="statements-source" data-testid="statement-source" data-source={source}>
      <p>
        <StatusBadge tone={source === 'snapshots' ? 'ok' : 'neutral'}>{source}</StatusBadge> <span className="subtle">{detailSourceText(detail)}</span>
      </p>
      <MissingNodesBanner nodes={detail.missingNodes ?? []} />
    </div>
  );
}
