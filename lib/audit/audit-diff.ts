/**
 * An audit row's detail for reading: edits record `before` and `after`
 * (tiers, alert rules, tenants, notification channels); this lines them up
 * key by key, changed keys first, and leaves the rest of the detail as is.
 */

export interface AuditDetailField {
  key: string;
  /** undefined: the key is absent on that side (a create has no before, a delete no after). */
  before: unknown;
  after: unknown;
  changed: boolean;
}

export interface AuditDetailView {
  /** Present when the detail has `before` or `after`. */
  fields: AuditDetailField[] | null;
  /** Everything else in the detail (a rule's metric, a move's id, a refusal's reason). */
  other: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-object side (a bare value, or null for "did not exist") compares as one field named "value". */
function sideEntries(side: unknown): Record<string, unknown> {
  if (side === undefined || side === null) return {};
  return isRecord(side) ? side : { value: side };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function auditDetailView(detail: Record<string, unknown>): AuditDetailView {
  const { before, after, ...other } = detail;
  if (before === undefined && after === undefined) return { fields: null, other: detail };
  const beforeEntries = sideEntries(before);
  const afterEntries = sideEntries(after);
  const keys = [...new Set([...Object.keys(beforeEntries), ...Object.keys(afterEntries)])];
  const fields = keys.map((key) => {
    const was = beforeEntries[key];
    const is = afterEntries[key];
    return { key, before: was, after: is, changed: !sameValue(was, is) };
  });
  return { fields: [...fields.filter((field) => field.changed), ...fields.filter((field) => !field.changed)], other };
}

/** A value as the detail view shows it: text bare, everything else as JSON, absence as an em dash. */
export function auditValueText(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
