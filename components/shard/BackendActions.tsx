'use client';

import { useState } from 'react';
import { hasRole, type Role } from '@/lib/auth/roles';
import type { SessionSummary } from '@/lib/monitor/activity-types';
import { useSignalBackendMutation, type BackendAction } from '@/lib/queries/shards/signal-backend-mutation';

const REQUIRED_ROLE: Record<BackendAction, Role> = { cancel: 'operator', terminate: 'admin' };
const DESCRIPTION: Record<BackendAction, string> = {
  cancel: 'cancel its running query',
  terminate: 'close its connection (rolls back its transaction)',
};

/**
 * Cancel / terminate buttons for one backend, each behind an inline
 * confirmation. Hidden for roles that may not use them and for the console's
 * own sessions; the server refuses those anyway.
 */
export function BackendActions({ shardId, nodeId, session, role }: { shardId: string; nodeId: string; session: SessionSummary; role: Role }) {
  const [confirming, setConfirming] = useState<BackendAction | null>(null);
  const mutation = useSignalBackendMutation(shardId);
  const allowed = (['cancel', 'terminate'] as const).filter((action) => hasRole(role, REQUIRED_ROLE[action]));
  if (session.isConsole || allowed.length === 0) return null;

  if (confirming) {
    return (
      <span className="confirm" role="group" aria-label={`confirm ${confirming}`}>
        {confirming} pid {session.pid}: {DESCRIPTION[confirming]}?{' '}
        <button
          className="danger"
          disabled={mutation.isPending}
          onClick={() =>
            mutation.mutate(
              { action: confirming, request: { nodeId, pid: session.pid, backendStart: session.backendStart } },
              { onSettled: () => setConfirming(null) },
            )
          }
        >
          Yes, {confirming}
        </button>{' '}
        <button className="link" onClick={() => setConfirming(null)}>
          No
        </button>
      </span>
    );
  }
  return (
    <span className="actions">
      {allowed.map((action) => (
        <button key={action} className="small" onClick={() => setConfirming(action)} aria-label={`${action} pid ${session.pid}`}>
          {action === 'cancel' ? 'Cancel' : 'Terminate'}
        </button>
      ))}
      {mutation.error ? <span className="field-error"> {mutation.error.message}</span> : null}
    </span>
  );
}
