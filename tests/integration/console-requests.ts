import { createHash } from 'node:crypto';
import type pg from 'pg';
import { issueSessionCookie } from '@/lib/auth/issue-session';
import { ROLES, type Role } from '@/lib/auth/roles';
import { createSessionToken, SESSION_COOKIE } from '@/lib/auth/session-token';

/**
 * What integration tests need to call route handlers through the real guard,
 * and to name a backend the way the activity panel does.
 */

export const CONSOLE_HOST = 'console.test';

/** The fixed session id of `it-<role>` in this test run (derived from the run's secret). */
function testSessionId(role: Role): string {
  return createHash('sha256').update(`it-session:${role}:${process.env.SHARDSCOPE_SESSION_SECRET}`).digest('base64url');
}

const TEST_SESSION_SECONDS = 6 * 3600;

/**
 * Creates the users `it-viewer`, `it-operator`, `it-admin` and their sessions
 * in a control DB (the run's, by global setup; a file's own, by ownControlDb),
 * so `sessionCookie(role)` names a real server-side session there.
 */
export async function seedTestSessions(db: Pick<pg.ClientBase, 'query'>): Promise<void> {
  for (const role of ROLES) {
    await issueSessionCookie(db, { user: `it-${role}`, role, secret: process.env.SHARDSCOPE_SESSION_SECRET!, ttlSeconds: TEST_SESSION_SECONDS, sid: testSessionId(role) });
  }
}

/** The session cookie of `it-<role>` (seeded by `seedTestSessions`), signed with the test run's secret. */
export function sessionCookie(role: Role): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sid: testSessionId(role), user: `it-${role}`, role, issuedAt: now, expiresAt: now + TEST_SESSION_SECONDS };
  return `${SESSION_COOKIE}=${createSessionToken(claims, process.env.SHARDSCOPE_SESSION_SECRET!)}`;
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
