'use client';

import { useState } from 'react';
import type { SessionSummary } from '@/lib/monitor/activity-types';
import { useBackendQueryTextQuery } from '@/lib/queries/shards/backend-query-text-query';

/** The truncated query, with the full text fetched on demand. */
export function QueryText({ shardId, nodeId, session }: { shardId: string; nodeId: string; session: SessionSummary }) {
  const [expanded, setExpanded] = useState(false);
  const fullText = useBackendQueryTextQuery(shardId, nodeId, session.pid, session.backendStart, expanded && session.queryTruncated);
  const text = expanded && fullText.data ? fullText.data.query : session.queryPreview;
  return (
    <span className="query">
      <code title={session.queryPreview}>{text || <span className="subtle">(no query yet)</span>}</code>
      {session.queryTruncated ? (
        <button className="link" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'less' : fullText.isFetching ? '…' : 'full text'}
        </button>
      ) : null}
      {fullText.error ? <span className="field-error"> {fullText.error.message}</span> : null}
    </span>
  );
}
