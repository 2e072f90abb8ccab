import { getControlPool } from '@/lib/control/db';
import type { AuditRow } from '@/lib/auth/audit';
import type { AuditFilter } from './audit-filter';

/**
 * Reading the audit log: one filtered page, newest first, continued by id
 * (keyset), never by offset, so a page does not shift while others write.
 */

/**
 * Every filter is optional: a null parameter drops its condition. node-pg
 * sends an unnamed statement, planned with the values bound, so an absent
 * filter costs nothing and a present one can use its index
 * (20261202000002_audit_append_only.sql). Action is a prefix (starts_with:
 * no LIKE wildcards to escape); target a case-insensitive piece (strpos: the
 * same). $8 is the page size plus one, to know whether an older page exists.
 */
const SELECT_AUDIT_PAGE = `
  select id, at, actor, actor_role, action, target, result, detail
  from audit_log
  where ($1::text is null or actor = $1::text)
    and ($2::text is null or starts_with(action, $2::text))
    and ($3::text is null or strpos(lower(target), lower($3::text)) > 0)
    and ($4::text is null or result = $4::text)
    and ($5::timestamptz is null or at >= $5::timestamptz)
    and ($6::timestamptz is null or at < $6::timestamptz)
    and ($7::bigint is null or id < $7::bigint)
  order by id desc
  limit $8`;

interface AuditLogRow {
  id: string;
  at: Date;
  actor: string;
  actor_role: string;
  action: string;
  target: string | null;
  result: AuditRow['result'];
  detail: Record<string, unknown>;
}

export interface AuditPage {
  entries: AuditRow[];
  /** The last row's id when older rows match the filter, else null. */
  nextAfter: string | null;
}

function toAuditRow(row: AuditLogRow): AuditRow {
  return {
    id: String(row.id),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    actorRole: row.actor_role,
    action: row.action,
    target: row.target,
    result: row.result,
    detail: row.detail,
  };
}

/** One page of rows matching `filter` (its `after` included), newest first. */
export async function listAuditPage(filter: AuditFilter, limit: number): Promise<AuditPage> {
  const { rows } = await getControlPool().query<AuditLogRow>(SELECT_AUDIT_PAGE, [
    filter.actor ?? null,
    filter.action ?? null,
    filter.target ?? null,
    filter.result ?? null,
    filter.from ?? null,
    filter.to ?? null,
    filter.after ?? null,
    limit + 1,
  ]);
  const entries = rows.slice(0, limit).map(toAuditRow);
  return { entries, nextAfter: rows.length > limit ? entries[entries.length - 1].id : null };
}
