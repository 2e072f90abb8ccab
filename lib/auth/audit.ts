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

/** A stored row, as the audit API (lib/audit) returns it. */
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
