import { AuditFilterForm } from '@/components/audit/AuditFilterForm';
import { AuditLogTable } from '@/components/audit/AuditLogTable';
import { listAuditPage } from '@/lib/audit/audit-log';
import { auditExportHref, parseAuditPageView, type AuditPageSearch } from '@/lib/audit/audit-page-view';
import { requirePageSession } from '@/lib/auth/guard';
import './audit.css';

/** Enough rows to cover a shift's changes at a glance; Older goes further back. */
const AUDIT_PAGE_ROWS = 50;

export default async function AuditPage(props: { searchParams: Promise<AuditPageSearch> }) {
  await requirePageSession('admin');
  const view = parseAuditPageView(await props.searchParams);
  const formValues = view.ok ? view.filter : view.raw;
  return (
    <>
      <h1>Audit log</h1>
      <p className="subtle">
        Every change made through the console, every sign-in and every refused request: who, what, on what, and how it ended. The log is
        append-only. Times are UTC.
      </p>
      {/* Keyed by the filter: its inputs take their defaults again after Clear, Back or a pager link. */}
      <AuditFilterForm key={JSON.stringify(formValues)} values={formValues} />
      {view.ok ? (
        <>
          <p>
            <a href={auditExportHref(view.filter)} download data-testid="audit-export">
              Export CSV
            </a>{' '}
            <span className="subtle">(every row of this filter, up to 100,000)</span>
          </p>
          <AuditLogTable page={await listAuditPage(view.filter, AUDIT_PAGE_ROWS)} filter={view.filter} />
        </>
      ) : (
        <p className="field-error" role="alert" data-testid="audit-filter-error">
          {view.message}
        </p>
      )}
    </>
  );
}
