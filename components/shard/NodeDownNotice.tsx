import { StatusBadge } from '@/components/ui/StatusBadge';

export function NodeDownNotice({ nodeId, error }: { nodeId: string; error: string }) {
  return (
    <p data-testid="node-down" data-node-id={nodeId}>
      <span className="mono">{nodeId}</span> <StatusBadge tone="bad">down</StatusBadge> <span className="subtle">{error}</span>
    </p>
  );
}
