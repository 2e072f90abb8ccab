import { auditFilterSchema, auditFilterSearch, withoutCursor, type AuditFilter } from './audit-filter';

/**
 * The audit page's URL is its state: the filter form submits its fields as the
 * query string (GET), pager links add `after`. The form's datetime-local
 * fields have no zone; the page reads and shows every time in UTC, and says so.
 */

/** What a datetime-local input sends: minutes, optionally seconds, no zone. */
const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

export type AuditPageSearch = Record<string, string | string[] | undefined>;

export type AuditPageView =
  | { ok: true; filter: AuditFilter }
  | { ok: false; field: string; message: string; raw: Record<string, string> };

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A form's zone-less time read as UTC; anything else is left for the filter schema to accept or refuse. */
export function utcTimestamp(value: string | undefined): string | undefined {
  if (value === undefined || !LOCAL_DATETIME.test(value)) return value;
  return `${value.length === 16 ? `${value}:00` : value}Z`;
}

/** The datetime-local value (UTC) for a filter's timestamp: the form shows what the page filters on. */
export function localInputValue(timestamp: string | undefined): string {
  if (timestamp === undefined) return '';
  const at = new Date(timestamp);
  return Number.isNaN(at.getTime()) ? '' : at.toISOString().slice(0, 19);
}

export function parseAuditPageView(search: AuditPageSearch): AuditPageView {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(search)) {
    const first = firstValue(value);
    if (first !== undefined) raw[key] = first;
  }
  const parsed = auditFilterSchema.safeParse({ ...raw, from: utcTimestamp(raw.from), to: utcTimestamp(raw.to) });
  if (parsed.success) return { ok: true, filter: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'filter';
  return { ok: false, field, message: `${field}: ${issue?.message ?? 'invalid'}`, raw };
}

export function auditPageHref(filter: AuditFilter): string {
  const search = auditFilterSearch(filter);
  return search ? `/audit?${search}` : '/audit';
}

/** The export link: the whole filter, from its newest row (not the page on screen). */
export function auditExportHref(filter: AuditFilter): string {
  return `/api/audit?${auditFilterSearch(withoutCursor(filter), { format: 'csv' })}`;
}
