import type { AuditRow } from '@/lib/auth/audit';

/**
 * Audit rows as CSV (RFC 4180: CRLF line ends, a field with a comma, quote or
 * line break quoted, quotes doubled). Actors, targets and details carry text
 * that people outside the console chose (a user name, a refused request's
 * path), and an export is opened in a spreadsheet: a cell that would start a
 * formula gets a leading apostrophe, so it shows as text and never runs.
 */

export const AUDIT_CSV_COLUMNS = ['id', 'at', 'actor', 'actor_role', 'action', 'target', 'result', 'detail'] as const;

/** = + - @ start a formula in Excel, LibreOffice and Google Sheets; a leading tab or CR is read as one too. */
const FORMULA_START = /^[=+\-@\t\r]/;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string | null): string {
  if (value === null) return '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(fields: readonly (string | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export const AUDIT_CSV_HEADER = csvLine(AUDIT_CSV_COLUMNS);

export function auditCsvLine(row: AuditRow): string {
  return csvLine([row.id, row.at, row.actor, row.actorRole, row.action, row.target, row.result, JSON.stringify(row.detail)]);
}

/** The last line of an export that hit its row cap: how to fetch the rest. */
export function auditCsvCapLine(maxRows: number, lastId: string): string {
  return csvLine([`# stopped at ${maxRows} rows: older rows match too; export again with after=${lastId} (or a narrower from/to) for the rest`]);
}
