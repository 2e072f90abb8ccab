import Form from 'next/form';
import Link from 'next/link';
import { AUDIT_RESULTS, type AuditFilter } from '@/lib/audit/audit-filter';
import { localInputValue } from '@/lib/audit/audit-page-view';

/**
 * A plain GET form: submitting it puts the filter in the URL (so a link shows
 * what its sender saw) and drops `after` (a new filter starts at the newest
 * row). `values` are what to show: the filter, or a bad URL's raw text.
 */
export function AuditFilterForm({ values }: { values: Partial<Record<keyof AuditFilter, string>> }) {
  return (
    <Form action="/audit" className="filters audit-filters" data-testid="audit-filters">
      <label>
        Actor
        <input name="actor" defaultValue={values.actor ?? ''} placeholder="exact user name" maxLength={200} data-testid="audit-filter-actor" />
      </label>
      <label>
        Action starts with
        <input name="action" defaultValue={values.action ?? ''} placeholder="auth. or alert_rule." maxLength={100} data-testid="audit-filter-action" />
      </label>
      <label>
        Target contains
        <input name="target" defaultValue={values.target ?? ''} placeholder="tenant, shard, tier…" maxLength={500} data-testid="audit-filter-target" />
      </label>
      <label>
        Result
        <select name="result" defaultValue={values.result ?? ''} data-testid="audit-filter-result">
          <option value="">any</option>
          {AUDIT_RESULTS.map((result) => (
            <option key={result} value={result}>
              {result}
            </option>
          ))}
        </select>
      </label>
      <label>
        From (UTC)
        <input type="datetime-local" step={1} name="from" defaultValue={localInputValue(values.from)} data-testid="audit-filter-from" />
      </label>
      <label>
        To (UTC, before)
        <input type="datetime-local" step={1} name="to" defaultValue={localInputValue(values.to)} data-testid="audit-filter-to" />
      </label>
      <button type="submit" data-testid="audit-filter-apply">
        Apply
      </button>
      <Link href="/audit">Clear</Link>
    </Form>
  );
}
