import { getControlPool } from '@/lib/control/db';

/**
 * Tenant names from the control plane's directory, for labelling live sessions.
 * Best effort: the Activity panel must keep working (with tenant ids) while the
 * control plane is down, so failures yield no names rather than an error.
 */

/** Names of the given tenants; ids not in the directory are absent from the result. */
const TENANT_NAMES_SQL = `
  select id::text as id, name
  from tenants
  where id = any($1::uuid[])`;

/**
 * Tenant names change rarely; the activity panel asks every second per shard.
 * A minute of staleness after a rename costs nothing, and spares the control
 * plane a query per poll.
 */
export const TENANT_NAME_TTL_MS = 60_000;

/** Upper bound on cached ids, so a stream of short-lived tenants cannot grow the cache forever. */
const MAX_CACHED_TENANTS = 50_000;

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Also caches "not in the directory" (name null), so unknown ids are not asked for on every poll. */
const cache = new Map<string, { name: string | null; fetchedAt: number }>();

export async function getTenantNames(ids: readonly string[], now: () => number = Date.now): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))].filter((id) => UUID_SHAPE.test(id));
  const stale = wanted.filter((id) => {
    const entry = cache.get(id);
    return !entry || now() - entry.fetchedAt >= TENANT_NAME_TTL_MS;
  });
  if (stale.length > 0) {
    try {
      const { rows } = await getControlPool().query<{ id: string; name: string }>(TENANT_NAMES_SQL, [stale]);
      if (cache.size + stale.length > MAX_CACHED_TENANTS) cache.clear();
      const fetchedAt = now();
      const found = new Map(rows.map((row) => [row.id, row.name]));
      for (const id of stale) cache.set(id, { name: found.get(id) ?? null, fetchedAt });
    } catch (error) {
      // Stale names (if any) are better than none; the next poll tries again.
      console.warn('[tenants] directory unavailable, showing tenant ids:', (error as Error).message);
    }
  }
  const names = new Map<string, string>();
  for (const id of wanted) {
    const name = cache.get(id)?.name;
    if (name) names.set(id, name);
  }
  return names;
}
