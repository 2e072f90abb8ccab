'use client';

import { useId, useState } from 'react';
import type { AuditRow } from '@/lib/auth/audit';
import { AuditDetail } from './AuditDetail';

const RESULT_BADGE: Record<AuditRow['result'], string> = { ok: 'ok', refused: 'warn', failed: 'bad' };

/** Times in UTC, as the filter form takes them: one clock on the whole page. */
function utcText(at: string): string {
  return `${at.slice(0, 10)} ${at.slice(11, 19)}`;
}

export function AuditRowView({ entry }: { entry: AuditRow }) {
  const [expanded, setExpanded] = useState(false);
  const detailId = useId();
  return (
    <tbody className="audit-entry" data-testid="audit-row" data-id={entry.id} data-action={entry.action}>
      <tr>
        <td>
          <time dateTime={entry.at}>{utcText(entry.at)}</time>
        </td>
        <td>
          {entry.actor} <span className="subtle">({entry.actorRole})</span>
        </td>
        <td>
          <code>{entry.action}</code>
        </td>
        <td className="wide">{entry.target ?? <span className="subtle">—</span>}</td>
        <td>
          <span className={`badge ${RESULT_BADGE[entry.result]}`}>{entry.result}</span>
        </td>
        <td>
          <button type="button" className="small" aria-expanded={expanded} aria-controls={detailId} onClick={() => setExpanded(!expanded)} data-testid="audit-row-toggle">
            {expanded ? 'Hide' : 'Detail'}
          </button>
        </td>
      </tr>
      {expanded ? (
        <tr className="audit-entry-detail" id={detailId}>
          <td colSpan={6}>
            <AuditDetail detail={entry.detail} />
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
