import type { PlanNode } from '@/lib/statements/statements-model';
import { misestimateText, planBuffersText, planCostText, planNodeTitle, planRowsText, planTimeText } from './plan-tree-view';

/**
 * The plan as nested nodes: type, relation or index, the node's conditions,
 * rows estimated against actual, time and buffers (ANALYZE), the costliest
 * nodes highlighted and a misestimate (> 10× off) flagged.
 */
export function PlanTree({ root }: { root: PlanNode }) {
  return (
    <ul className="plan-tree" data-testid="plan-tree">
      <PlanBranch node={root} depth={0} />
    </ul>
  );
}

function PlanBranch({ node, depth }: { node: PlanNode; depth: number }) {
  const time = planTimeText(node);
  const buffers = planBuffersText(node);
  const misestimate = misestimateText(node);
  return (
    <li
      className={`plan-node${node.costly ? ' costly' : ''}${node.misestimated ? ' misestimated' : ''}`}
      data-testid="plan-node"
      data-node-type={node.nodeType}
      data-depth={depth}
      data-costly={node.costly}
      data-misestimated={node.misestimated}
    >
      <div className="plan-row">
        <strong className="plan-title">{planNodeTitle(node)}</strong>
        {node.costly ? (
          <span className="badge bad plan-flag" data-testid="plan-costly" title="among the costliest nodes of this plan">
            costly
          </span>
        ) : null}
        {misestimate ? (
          <span className="badge warn plan-flag" data-testid="plan-misestimate">
            {misestimate}
          </span>
        ) : null}
        <div className="plan-figures subtle">
          {[planRowsText(node), planCostText(node), time, buffers].filter(Boolean).join(' · ')}
        </div>
        {node.details.length > 0 ? (
          <ul className="plan-details mono">
            {node.details.map((detail, index) => (
              <li key={index}>{detail}</li>
            ))}
          </ul>
        ) : null}
      </div>
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((child, index) => (
            <PlanBranch key={index} node={child} depth={depth + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
