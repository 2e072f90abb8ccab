import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eventually } from './sandbox';

/**
 * A newcomer's clone under /root (mode 0700), run as root: the postgres OS user
 * cannot traverse it, so the sandbox keeps what that user opens in a directory of
 * its own under /var/lib/shardscope. The checkout here is the sandbox script and
 * its functions copied into a fresh 0700 directory, which is all `up` reads.
 */
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const SANDBOX = { SANDBOX_NAME: 'private-dir', SANDBOX_BASE_PORT: '28100' };
const isRoot = process.getuid?.() === 0;

function privateCheckout(): string {
  const checkout = mkdtempSync(path.join(os.tmpdir(), 'shardscope-private-'));
  cpSync(path.join(repoRoot, 'scripts', 'sandbox.sh'), path.join(checkout, 'scripts', 'sandbox.sh'));
  cpSync(path.join(repoRoot, 'scripts', 'sandbox'), path.join(checkout, 'scripts', 'sandbox'), { recursive: true });
  return checkout;
}

function runSandbox(checkout: string, ...args: string[]) {
  return spawnSync('bash', [path.join(checkout, 'scripts', 'sandbox.sh'), ...args], {
    env: { ...process.env, ...SANDBOX },
    encoding: 'utf8',
  });
}

function postgresCan(test: string, target: string): boolean {
  return spawnSync('runuser', ['-u', 'postgres', '--', 'test', test, target]).status === 0;
}

async function query(url: string, sql: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

describe('a sandbox in a checkout the postgres OS user cannot traverse', () => {
  it('keeps its Postgres data in a directory of its own, says where, and purges it', async (ctx) => {
    ctx.skip(!isRoot, 'runs only as root: otherwise Postgres runs as the invoking user, who can read its own checkout');
    const checkout = privateCheckout();
    try {
      expect(statSync(checkout).mode & 0o777).toBe(0o700);
      expect(postgresCan('-x', checkout)).toBe(false);

      const up = runSandbox(checkout, 'up');
      expect(up.status, up.stderr).toBe(0);
      const relocations = [...up.stderr.matchAll(/is not reachable by the postgres OS user; Postgres data lives in (\S+)$/gm)];
      expect(relocations).toHaveLength(1);
      const dataDir = relocations[0][1];
      expect(dataDir).toMatch(/^\/var\/lib\/shardscope\/private-dir-[0-9a-f]{12}$/);
      expect(postgresCan('-w', path.join(dataDir, 'pg'))).toBe(true);

      const sandboxDir = path.join(checkout, '.sandbox', SANDBOX.SANDBOX_NAME);
      expect(lstatSync(path.join(sandboxDir, 'pg')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(path.join(sandboxDir, 'pg'))).toBe(path.join(dataDir, 'pg'));
      const password = /^SANDBOX_PASSWORD=(\S+)$/m.exec(readFileSync(path.join(sandboxDir, 'secrets.env'), 'utf8'))?.[1];
      const fleet = JSON.parse(readFileSync(path.join(sandboxDir, 'fleet.json'), 'utf8'));
      expect(fleet.control.url).toBe(`postgres://shardscope_admin:${password}@127.0.0.1:28100/shardscope`);

      const control = await query(fleet.control.url, "select current_user as who, current_setting('data_directory') as data");
      expect(control).toEqual({ who: 'shardscope_admin', data: path.join(dataDir, 'pg', 'control') });
      // PgBouncer reads its config and userlist from the relocated directory.
      expect(await query(fleet.shards[0].pooler.url, 'select current_user as who')).toEqual({ who: 'app' });
      // The archiver, as the postgres user, writes into the relocated archive.
      const primary = fleet.shards[0].adminUrl;
      await query(primary, 'select pg_switch_wal()');
      const archiver = await eventually(
        () => query(primary, 'select archived_count, failed_count from pg_stat_archiver'),
        (row) => Number(row.archived_count) > 0,
      );
      expect(archiver.failed_count).toBe('0');

      const down = runSandbox(checkout, 'down', '--purge');
      expect(down.status, down.stderr).toBe(0);
      expect(existsSync(dataDir)).toBe(false);
      expect(existsSync(sandboxDir)).toBe(false);
    } finally {
      runSandbox(checkout, 'down', '--purge');
      rmSync(checkout, { recursive: true, force: true });
    }
  }, 120_000);
});
