import type pg from 'pg';
import type { Role } from '@/lib/auth/roles';
import { createSessionToken, SESSION_COOKIE } from '@/lib/auth/session-token';

/**
 * What integration tests need to call route handlers through the real guard,
 * and to name a backend the way the activity panel does.
 */

export const CONSOLE_HOST = 'console.test';

/** A session cookie for `it-<role>`, signed with the test run's secret, valid for an hour. */
export function sessionCookie(role: Role): string {
  const now = Math.floor(Date.now() / 1000);
  const token = createSessionToken({ user: `it-${role}`, role, issuedAt: now, expiresAt: now + 3600 }, process.env.SHARDSCOPE_SESSION_SECRET!);
  return `${SESSION_COOKIE}=${token}`;
}

export interface Backend {
  pid: number;
  backendStart: string;
}

export const BACKEND_OF_SQL = `
  select pid, extract(epoch from backend_start)::numeric::text as backend_start
  from pg_stat_activity
  where pid = pg_backend_pid()`;

/** The client's own backend: pid and exact backend_start. */
export async function backendOf(client: pg.Client): Promise<Backend> {
  const { rows } = await client.query(BACKEND_OF_SQL);
  return { pid: rows[0].pid, backendStart: rows[0].backend_start };
}
