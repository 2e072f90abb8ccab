import Link from 'next/link';
import { withoutCursor, type AuditFilter } from '@/lib/audit/audit-filter';
import type { AuditPage } from '@/lib/audit/audit-log';
import { auditPageHref } from '@/lib/audit/audit-page-view';
import { AuditRowView } from './AuditRowView';

/** One page of the log, newest first; Older continues after its last row, Newest returns to the top. */
export function AuditLogTable({ page, filter }: { page: AuditPage; filter: AuditFilter }) {
  return (
    <div className="card">
      {page.entries.length === 0 ? (
        <p className="subtle" data-testid="audit-empty">
          {filter.after ? 'No older rows match this filter.' : 'No audit row matches this filter.'}
        </p>
      ) : (
        <table className="audit-log" data-testid="audit-log">
          <thead>
            <tr>
              <th>At (UTC)</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Result</th>
              <th />
            </tr>
          </thead>
          {page.entries.map((entry) => (
            <AuditRowView key={entry.id} entry={entry} />
          ))}
        </table>
      )}
      <nav className="audit-pager" aria-label="audit pages">
        {filter.after ? (
          <Link href={auditPageHref(withoutCursor(filter))} data-testid="audit-newest">
            ← Newest
          </Link>
        ) : null}
        {page.nextAfter ? (
          <Link href={auditPageHref({ ...filter, after: page.nextAfter })} data-testid="audit-older">
            Older →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
