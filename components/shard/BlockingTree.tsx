import type { Role } from '@/lib/auth/roles';
import type { BlockingNode } from '@/lib/monitor/activity-types';
import { formatSeconds } from '@/lib/format';
import { BackendActions } from './BackendActions';
import { QueryText } from './QueryText';
import { sessionLabel } from './SessionsTable';

function BlockingBranch({ node, shardId, nodeId, role, depth }: { node: BlockingNode; shardId: string; nodeId: string; role: Role; depth: number }) {
  const { session } = node;
  return (
    <li data-testid={depth === 0 ? 'blocking-root' : 'blocked-session'} data-pid={session.pid}>
      <div className="tree-row">
        {depth === 0 ? (
          <strong>blocks {node.blocked.length}</strong>
        ) : (
          <span className="warn-text">
            waits {formatSeconds(node.waitingSeconds)}
            {node.waitingFor ? ` for ${node.waitingFor.mode} on ${node.waitingFor.relation ?? node.waitingFor.lockType}` : ''}
          </span>
        )}{' '}
        <span className="mono">pid {session.pid}</span> · {sessionLabel(session)} · {session.state ?? '—'}
        {session.transactionAgeSeconds !== null ? ` · in transaction ${formatSeconds(session.transactionAgeSeconds)}` : ''}{' '}
        <QueryText shardId={shardId} nodeId={nodeId} session={session} />{' '}
        <BackendActions shardId={shardId} nodeId={nodeId} session={session} role={role} />
      </div>
      {node.blocked.length > 0 ? (
        <ul>
          {node.blocked.map((child) => (
            <BlockingBranch key={child.session.pid} node={child} shardId={shardId} nodeId={nodeId} role={role} depth={depth + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Who blocks whom, on what, for how long: one tree per blocking session. */
export function BlockingTree({ trees, shardId, nodeId, role }: { trees: BlockingNode[]; shardId: string; nodeId: string; role: Role }) {
  if (trees.length === 0) return <p className="subtle">No session is blocked.</p>;
  return (
    <ul className="tree">
      {trees.map((tree) => (
        <BlockingBranch key={tree.session.pid} node={tree} shardId={shardId} nodeId={nodeId} role={role} depth={0} />
      ))}
    </ul>
  );
}
