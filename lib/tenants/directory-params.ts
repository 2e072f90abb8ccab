import { z } from 'zod';
import { TENANT_LAYOUTS, TENANT_STATUSES, TIERS } from './tenant-model';

/**
 * The directory's query string: filters, sort, keyset cursor and page size.
 * Pure (no I/O): parsing, the cursor format, and the search helpers.
 */

/** Sort keys the directory accepts; anything else is a 400 naming `sort`. */
export const DIRECTORY_SORTS = ['name', 'tier', 'shard', 'created', 'storage', 'api_calls', 'sessions'] as const;
export type DirectorySort = (typeof DIRECTORY_SORTS)[number];

export const DEFAULT_PAGE_SIZE = 50;
/** A page is one control query and one Redis pipeline; 200 rows keeps both small. */
export const MAX_PAGE_SIZE = 200;
const MAX_SEARCH_CHARS = 100;

export const directoryQuerySchema = z
  .object({
    q: z.string().trim().max(MAX_SEARCH_CHARS).optional(),
    tier: z.enum(TIERS).optional(),
    shardId: z.string().min(1).max(63).optional(),
    status: z.enum(TENANT_STATUSES).optional(),
    layout: z.enum(TENANT_LAYOUTS).optional(),
    limit: z.enum(['near', 'over']).optional(),
    sort: z.enum(DIRECTORY_SORTS).default('name'),
    dir: z.enum(['asc', 'desc']).default('asc'),
    after: z.string().min(1).max(400).optional(),
    pageSize: z.coerce
      .number()
      .int('must be a whole number')
      .min(1)
      .max(MAX_PAGE_SIZE, `at most ${MAX_PAGE_SIZE} tenants per page`)
      .default(DEFAULT_PAGE_SIZE),
  })
  .strict();

export type DirectoryQuery = z.infer<typeof directoryQuerySchema>;

/** Where the previous page ended: the sort value of its last row and that row's id (ties broken by id). */
export interface DirectoryCursor {
  sort: DirectorySort;
  dir: 'asc' | 'desc';
  value: string | number;
  id: string;
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(cursor: DirectoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.dir, cursor.value, cursor.id]), 'utf8').toString('base64url');
}

/**
 * The cursor names its sort and direction, so a cursor from another sort is
 * refused rather than silently skipping rows. Returns null for a malformed one.
 */
export function decodeCursor(text: string, sort: DirectorySort, dir: 'asc' | 'desc'): DirectoryCursor | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return null;
  const [cursorSort, cursorDir, value, id] = parsed as unknown[];
  if (cursorSort !== sort || cursorDir !== dir) return null;
  if (typeof id !== 'string' || !UUID_SHAPE.test(id)) return null;
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) return null;
  return { sort, dir, value, id };
}

/** `%…%` for ILIKE with the user's %, _ and \ taken literally. */
export function nameSubstringPattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * The uuid range of ids starting with the typed prefix (dashes optional), or
 * null when the text cannot be the start of an id. A range on the primary key,
 * not `id::text like …`, so the index answers it.
 */
export function idPrefixRange(search: string): { low: string; high: string } | null {
  const text = search.trim().toLowerCase();
  if (text.length < 2 || !/^[0-9a-f-]+$/.test(text)) return null;
  const hex = text.replaceAll('-', '');
  if (hex.length === 0 || hex.length > 32) return null;
  // Typed with dashes, they must sit where a uuid has them; without, any run of hex digits.
  if (text.includes('-')) {
    const canonicalDashes = [8, 13, 18, 23];
    for (let index = 0; index < text.length; index += 1) {
      if ((text[index] === '-') !== canonicalDashes.includes(index)) return null;
    }
  }
  const asUuid = (digits: string) =>
    `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20, 32)}`;
  return { low: asUuid(hex.padEnd(32, '0')), high: asUuid(hex.padEnd(32, 'f')) };
}
