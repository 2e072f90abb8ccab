import { StatusBadge } from '@/components/ui/StatusBadge';

/** A shard whose mean for the statement is far above the other shards' (the report says the rule). */
export function OutlierBadge({ rule }: { rule: string }) {
  return (
    <span title={rule} data-testid="outlier-badge">
      <StatusBadge tone="warn">outlier</StatusBadge>
    </span>
  );
}
