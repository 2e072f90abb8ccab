import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as logoutRoute } from '@/app/api/auth/logout/route';
import { GET as sessionRoute } from '@/app/api/auth/session/route';
import { GET as fleetOverviewRoute } from '@/app/api/fleet/overview/route';
import { POST as cancelRoute } from '@/app/api/shards/[shardId]/backends/cancel/route';
import { PATCH as patchUserRoute } from '@/app/api/users/[name]/route';
import { POST as signOutEverywhereRoute } from '@/app/api/users/[name]/sign-out-everywhere/route';
import { GET as usersRoute, POST as createUserRoute } from '@/app/api/users/route';
import type { Role } from '@/lib/auth/roles';
import type { ConsoleUser } from '@/lib/auth/users';
import { getEnv } from '@/lib/env';
import { sessionCookie } from './console-requests';
import { callRoute, consoleRequest, freshAddress, signIn } from './console-sign-in';
import { ownControlDb } from './own-control-db';
import { eventually, sandbox } from './sandbox';

/**
 * The Users API and the sessions it governs, through the real route handlers
 * and real sign-ins on a control database of this file's own: creating users,
 * role changes and disables reaching existing sessions on their next request,
 * password resets and "sign out everywhere" ending sessions, the last enabled
 * admin kept, sign-out and idle timeout, and read-only access while the
 * control database is down.
 */

const controlDb = ownControlDb('it_users_api');
const PASSWORD = 'correct horse battery staple';
const admin = sessionCookie('admin');

const createUser = (body: unknown, cookie = admin) => callRoute(createUserRoute, consoleRequest('/api/users', { body, cookie }));
const patchUser = (name: string, body: unknown, cookie = admin) =>
  callRoute(patchUserRoute, consoleRequest(`/api/users/${name}`, { method: 'PATCH', body, cookie }), { name });
const whoAmI = (cookie: string) => callRoute(sessionRoute, consoleRequest('/api/auth/session', { cookie }));
const cancelAsOperator = (cookie: string) =>
  callRoute(cancelRoute, consoleRequest('/api/shards/shard-1/backends/cancel', { body: { nodeId: 'shard-1-primary', pid: 1, backendStart: '1' }, cookie }), {
    shardId: 'shard-1',
  });

async function listUsers(): Promise<ConsoleUser[]> {
  return (await callRoute(usersRoute, consoleRequest('/api/users', { cookie: admin }))).body.users as ConsoleUser[];
}

/** A new user of `role`, signed in once: its name and session cookie. */
async function signedInUser(name: string, role: Role): Promise<string> {
  expect((await createUser({ name, role, password: PASSWORD })).status).toBe(200);
  const answer = await signIn(name, PASSWORD, freshAddress());
  expect(answer.status).toBe(200);
  return answer.cookie!;
}

describe('users API and sessions', () => {
  beforeAll(() => controlDb.create());
  afterAll(async () => {
    sandbox('start-node', 'control');
    await controlDb.drop();
  });

  it('creates a user who can then sign in, and refuses a second user of the same name', async () => {
    const created = await createUser({ name: 'Ada.Ops', role: 'operator', password: PASSWORD });
    expect(created.status).toBe(200);
    expect(created.body.user).toMatchObject({ name: 'ada.ops', role: 'operator', disabled: false, lastSignInAt: null, liveSessions: 0 });

    const duplicate = await createUser({ name: 'ada.ops', role: 'viewer', password: PASSWORD });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'conflict', field: 'name' });

    const signedIn = await signIn('ada.ops', PASSWORD, freshAddress());
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ user: 'ada.ops', role: 'operator' });
    expect((await whoAmI(signedIn.cookie!)).body).toMatchObject({ user: 'ada.ops', role: 'operator', degraded: false });
    expect((await listUsers()).find((user) => user.name === 'ada.ops')).toMatchObject({ liveSessions: 1, lastSignInAt: expect.any(String) });
  });

  it('refuses a bad name, a short password and a role that does not exist with a 400 naming the field', async () => {
    for (const [body, field] of [
      [{ name: 'no spaces', role: 'viewer', password: PASSWORD }, 'name'],
      [{ name: '-dash-first', role: 'viewer', password: PASSWORD }, 'name'],
      [{ name: 'shorty', role: 'viewer', password: 'short' }, 'password'],
      [{ name: 'rooty', role: 'root', password: PASSWORD }, 'role'],
    ] as const) {
      const answer = await createUser(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error!.field).toBe(field);
    }
    expect((await patchUser('ada.ops', { password: 'short' })).body.error!.field).toBe('password');
    expect((await patchUser('ada.ops', {})).status).toBe(400);
    expect((await createUser({ name: 'by-a-viewer', role: 'viewer', password: PASSWORD }, sessionCookie('viewer'))).status).toBe(403);
    expect((await listUsers()).map((user) => user.name)).not.toContain('shorty');
  });

  it('applies a role change to the user\u2019s existing session on its next request', async () => {
    const cookie = await signedInUser('demoted.op', 'operator');
    expect((await whoAmI(cookie)).body.role).toBe('operator');

    expect((await patchUser('demoted.op', { role: 'viewer' })).body.user).toMatchObject({ role: 'viewer', liveSessions: 1 });
    expect((await whoAmI(cookie)).body.role).toBe('viewer');
    const refused = await cancelAsOperator(cookie);
    expect(refused.status).toBe(403);
    expect(refused.body.error!.message).toMatch(/operator role/);
  });

  it('ends the sessions of a disabled user at once; its sign-in answers like a wrong password', async () => {
    const cookie = await signedInUser('leaver', 'operator');
    const disabled = await patchUser('leaver', { disabled: true });
    expect(disabled.body.user).toMatchObject({ disabled: true, liveSessions: 0 });
    expect((await whoAmI(cookie)).status).toBe(401);

    const asDisabled = await signIn('leaver', PASSWORD, freshAddress());
    const wrongPassword = await signIn('ada.ops', 'not the password at all', freshAddress());
    const unknownName = await signIn('nobody-here', PASSWORD, freshAddress());
    expect([asDisabled.status, wrongPassword.status, unknownName.status]).toEqual([401, 401, 401]);
    expect(asDisabled.body).toEqual(wrongPassword.body);
    expect(unknownName.body).toEqual(wrongPassword.body);

    expect((await patchUser('leaver', { disabled: false })).body.user).toMatchObject({ disabled: false });
    expect((await signIn('leaver', PASSWORD, freshAddress())).status).toBe(200);
  });

  it('ends the user\u2019s sessions on a password reset; only the new password signs in', async () => {
    const cookie = await signedInUser('forgetful', 'viewer');
    const newPassword = 'a brand new passphrase';
    expect((await patchUser('forgetful', { password: newPassword })).body.user).toMatchObject({ liveSessions: 0 });
    expect((await whoAmI(cookie)).status).toBe(401);
    expect((await signIn('forgetful', PASSWORD, freshAddress())).status).toBe(401);
    expect((await signIn('forgetful', newPassword, freshAddress())).status).toBe(200);
  });

  it('refuses to demote or disable the last enabled admin, with the reason, and audits the refusal', async () => {
    // The env's `admin` (seeded at the first sign-in) is the other admin here: demote it, leaving it-admin alone.
    const otherAdmins = (await listUsers()).filter((user) => user.role === 'admin' && !user.disabled && user.name !== 'it-admin');
    for (const user of otherAdmins) expect((await patchUser(user.name, { role: 'operator' })).status).toBe(200);
    try {
      const demote = await patchUser('it-admin', { role: 'viewer' });
      expect(demote.status).toBe(409);
      expect(demote.body.error).toMatchObject({ code: 'conflict', field: 'role', message: expect.stringMatching(/it-admin is the last enabled admin/) });
      const disable = await patchUser('it-admin', { disabled: true });
      expect(disable.status).toBe(409);
      expect(disable.body.error!.field).toBe('disabled');
      expect((await listUsers()).find((user) => user.name === 'it-admin')).toMatchObject({ role: 'admin', disabled: false });

      const { rows } = await controlDb.withControl((client) =>
        client.query(`select result, detail from audit_log where action = 'user.update' and target = 'it-admin' order by id`),
      );
      expect(rows.map((row) => row.result)).toEqual(['refused', 'refused']);
      expect(rows[0].detail.reason).toMatch(/last enabled admin/);
    } finally {
      for (const user of otherAdmins) await patchUser(user.name, { role: 'admin' });
    }
  });

  it('signs a user out everywhere: every session ends and the count says how many', async () => {
    const first = await signedInUser('two.laptops', 'viewer');
    const second = (await signIn('two.laptops', PASSWORD, freshAddress())).cookie!;
    const ended = await callRoute(signOutEverywhereRoute, consoleRequest('/api/users/two.laptops/sign-out-everywhere', { body: {}, cookie: admin }), {
      name: 'two.laptops',
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toEqual({ sessionsEnded: 2 });
    expect((await whoAmI(first)).status).toBe(401);
    expect((await whoAmI(second)).status).toBe(401);
  });

  it('ends the session server-side on sign-out: a copy of the cookie is refused afterwards', async () => {
    const cookie = await signedInUser('signs.out', 'viewer');
    expect((await callRoute(logoutRoute, consoleRequest('/api/auth/logout', { body: {}, cookie }))).status).toBe(200);
    expect((await whoAmI(cookie)).status).toBe(401);
    const { rows } = await controlDb.withControl((client) => client.query(`select revoked_reason from console_sessions where user_name = 'signs.out'`));
    expect(rows).toEqual([{ revoked_reason: 'sign_out' }]);
  });

  it('ends a session idle for longer than SHARDSCOPE_SESSION_IDLE_MINUTES', async () => {
    const idle = await signedInUser('idle.user', 'viewer');
    const busy = (await signIn('idle.user', PASSWORD, freshAddress())).cookie!;
    const idleMinutes = getEnv().SHARDSCOPE_SESSION_IDLE_MINUTES;
    // Both sessions are identical but for last_seen_at: set back one of them past the limit, the other just inside it.
    await controlDb.withControl(async (client) => {
      const { rows } = await client.query(`select id from console_sessions where user_name = 'idle.user' order by id`);
      await client.query(`update console_sessions set last_seen_at = now() - make_interval(mins => $2 + 1) where id = $1`, [rows[0].id, idleMinutes]);
      await client.query(`update console_sessions set last_seen_at = now() - make_interval(mins => $2 - 1) where id = $1`, [rows[1].id, idleMinutes]);
    });
    expect((await whoAmI(idle)).status).toBe(401);
    expect((await whoAmI(busy)).status).toBe(200);
  });

  it('keeps signed-in users reading while the control database is down, refuses changes, and is normal again after', async () => {
    const cookie = await signedInUser('on.call', 'operator');
    sandbox('stop-node', 'control');
    try {
      const during = await whoAmI(cookie);
      expect(during.status).toBe(200);
      expect(during.body).toMatchObject({ user: 'on.call', role: 'operator', degraded: true });
      expect((await callRoute(fleetOverviewRoute, consoleRequest('/api/fleet/overview', { cookie }))).status).toBe(200);
      const change = await patchUser('on.call', { role: 'viewer' });
      expect(change.status).toBe(503);
      expect(change.body.error!.message).toMatch(/read-only/);
    } finally {
      sandbox('start-node', 'control');
    }
    // The session check skips the database for a few seconds after a failure.
    await eventually(
      async () => (await whoAmI(cookie)).body.degraded,
      (degraded) => degraded === false,
    );
    expect((await patchUser('on.call', { role: 'viewer' })).body.user).toMatchObject({ role: 'viewer' });
  });
});
