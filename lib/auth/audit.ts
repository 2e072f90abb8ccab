import type { Pool } from 'pg';
import { getControlPool } from '@/lib/control/db';
import type { Role } from './roles';

export type AuditResult = 'ok' | 'refused' | 'failed';

export interface AuditEntry {
  actor: string;
  actorRole: Role | 'anonymous';
  /** Dotted verb, e.g. `auth.login`, `backend.cancel`. */
  action: string;
  target?: string;
  result: AuditResult;
  detail?: Record<string, unknown>;
}

const INSERT_AUDIT_ROW = `
  insert into audit_log (actor, actor_role, action, target, result, detail)
  values ($1, $2, $3, $4, $5, $6)`;

/** $2: an action prefix (e.g. 'alert_rule.'), or null for every action. starts_with: no LIKE wildcards to escape. */
const SELECT_RECENT_AUDIT_ROWS = `
  select id, at, actor, actor_role, action, target, result, detail
  from audit_log
  where ($2::text is null or starts_with(action, $2::text))
  order by id desc
  limit $1`;

export async function writeAudit(entry: AuditEntry): Promise<void> {
  await writeAuditWith(getControlPool(), entry);
}

/** The same row on a given client: inside the transaction of the change it records, so both commit or neither. */
export async function writeAuditWith(db: Pick<Pool, 'query'>, entry: AuditEntry): Promise<void> {
  await db.query(INSERT_AUDIT_ROW, [
    entry.actor,
    entry.actorRole,
    entry.action,
    entry.target ?? null,
    entry.result,
    JSON.stringify(entry.detail ?? {}),
  ]);
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  target: string | null;
  result: AuditResult;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  /** Only actions starting with this, e.g. 'alert_rule.' for every alert rule change. */
  actionPrefix?: string;
}

export async function listRecentAudit(limit: number, filter: AuditFilter = {}): Promise<AuditRow[]> {
  const { rows } = await getControlPool().query(SELECT_RECENT_AUDIT_ROWS, [limit, filter.actionPrefix ?? null]);
  return rows.map((row) => ({
    id: String(row.id),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    actorRole: row.actor_role,
    action: row.action,
    target: row.target,
    result: row.result,
    detail: row.detail,
  }));
}
