import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';

/**
 * Applies `<version>_<name>.sql` files in version order, each in its own
 * transaction, and records them where the Supabase CLI does
 * (supabase_migrations.schema_migrations), so `supabase db push` and this
 * migrator agree on what has been applied. Safe to re-run; concurrent runs
 * serialise on an advisory lock.
 */

const MIGRATION_FILE = /^(\d+)_([a-z0-9_]+)\.sql$/;

/** Any constant works; it only has to be the same for every migrator run. */
const MIGRATOR_LOCK_KEY = 7_061_524;

const CREATE_HISTORY_TABLE = `
  create schema if not exists supabase_migrations;
  create table if not exists supabase_migrations.schema_migrations (
    version     text primary key,
    statements  text[],
    name        text
  )`;

const SELECT_APPLIED_VERSIONS = `select version from supabase_migrations.schema_migrations`;

const INSERT_APPLIED_VERSION = `
  insert into supabase_migrations.schema_migrations (version, name, statements)
  values ($1, $2, array[$3])`;

export interface MigrationFile {
  version: string;
  name: string;
  sql: string;
}

export function listMigrations(directory: string): MigrationFile[] {
  return readdirSync(directory)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .sort((a, b) => a.match[1].localeCompare(b.match[1]))
    .map(({ file, match }) => ({
      version: match[1],
      name: match[2],
      sql: readFileSync(path.join(directory, file), 'utf8'),
    }));
}

/** Returns the versions it applied now (empty when already up to date). */
export async function applyMigrations(client: Client, directory: string): Promise<string[]> {
  const migrations = listMigrations(directory);
  await client.query('select pg_advisory_lock($1)', [MIGRATOR_LOCK_KEY]);
  try {
    await client.query(CREATE_HISTORY_TABLE);
    const applied = new Set((await client.query<{ version: string }>(SELECT_APPLIED_VERSIONS)).rows.map((row) => row.version));
    const appliedNow: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query('begin');
      try {
        await client.query(migration.sql);
        await client.query(INSERT_APPLIED_VERSION, [migration.version, migration.name, migration.sql]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`);
      }
      appliedNow.push(migration.version);
    }
    return appliedNow;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATOR_LOCK_KEY]);
  }
}
