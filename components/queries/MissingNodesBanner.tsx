/** Nodes whose figures are missing (did not answer, no snapshot, replica not read): absent from the numbers, never counted as zero. */
export function MissingNodesBanner({ nodes }: { nodes: { nodeId: string; shardId: string; reason: string }[] }) {
  if (nodes.length === 0) return null;
  return (
    <div className="banner warn" role="status" data-testid="missing-nodes">
      Missing from these figures (not counted as zero):
      <ul>
        {nodes.map((node) => (
          <li key={node.nodeId} data-node-id={node.nodeId}>
            <span className="mono">{node.nodeId}</span> of <span className="mono">{node.shardId}</span>: {node.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
