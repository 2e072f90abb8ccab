'use client';

import { StatusBadge } from '@/components/ui/StatusBadge';
import { formatSeconds } from '@/lib/format';
import { useWorkerStatusQuery } from '@/lib/queries/history/worker-status-query';

/**
 * Is anyone sampling? History and alerts depend on the worker, the live
 * overview does not: this line has its own query, and its failure is a note
 * on this line, never an error for the page.
 */
export function WorkerStatusLine() {
  const { data, error, isPending } = useWorkerStatusQuery();

  if (isPending) {
    return (
      <p className="subtle worker-status" data-testid="worker-status" data-state="loading">
        worker: checking…
      </p>
    );
  }
  if (!data) {
    return (
      <p className="subtle worker-status" data-testid="worker-status" data-state="error">
        worker status unknown: {error?.message ?? 'no answer'}
      </p>
    );
  }
  if (data.state === 'ok') {
    // The server's sentence: "worker: last sample 4 s ago (2 workers)".
    return (
      <p className="subtle worker-status" data-testid="worker-status" data-state="ok">
        {data.message} · sampling every {formatSeconds(data.intervalSeconds)}
        {error ? ' · last refresh failed' : ''}
      </p>
    );
  }
  return (
    <p className="worker-status warn" data-testid="worker-status" data-state={data.state} role="status">
      {/* The server's sentence says what is wrong: "sampling has stopped: last sample 3 min ago, 0 workers alive". */}
      <StatusBadge tone="warn">worker</StatusBadge> {data.message}
    </p>
  );
}
