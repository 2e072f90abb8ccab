import type { DirectoryCursor, DirectorySort } from './directory-params';
import { NEAR_LIMIT_RATIO, OVER_LIMIT_RATIO } from './tenant-model';

/**
 * The directory's one control query: tenants joined to their tier's limits,
 * measured storage and users (tenant_usage_latest), this hour's API calls as
 * last synced from Redis (tenant_hour_usage) and sessions from the latest
 * sample of their shard (metric_samples). Filters are bound parameters; the
 * sort expression and the keyset comparison come from the allowlist below.
 */

interface SortColumn {
  /** SQL expression of the sort key (aliases of the FROM clause below). */
  expression: string;
  /** Type the cursor value is cast to, so the keyset comparison is typed like the key. */
  cast: 'text' | 'int' | 'bigint' | 'timestamptz';
}

/** Unmeasured storage sorts as -1: below every measured tenant, whichever way the list is sorted. */
export const SORT_COLUMNS: Record<DirectorySort, SortColumn> = {
  name: { expression: 't.name', cast: 'text' },
  tier: { expression: 'l.rank', cast: 'int' },
  shard: { expression: 't.shard_id', cast: 'text' },
  created: { expression: 't.created_at', cast: 'timestamptz' },
  storage: { expression: 'coalesce(u.storage_bytes, -1)', cast: 'bigint' },
  api_calls: { expression: 'coalesce(h.api_calls, 0)', cast: 'bigint' },
  sessions: { expression: 'coalesce(sn.sessions, 0)', cast: 'bigint' },
};

/**
 * The highest share of any of the four limits. Unknown usage counts as 0
 * here (a tenant never measured cannot be shown as near a limit it has not
 * been seen near); the row itself shows it as unknown.
 */
export const PEAK_USAGE_RATIO = `
  greatest(
    coalesce(u.storage_bytes, 0)::float8 / l.max_storage_bytes,
    coalesce(u.users, 0)::float8 / l.max_users,
    coalesce(h.api_calls, 0)::float8 / l.max_api_calls_per_hour,
    coalesce(sn.sessions, 0)::float8 / l.max_connections)`;

export const LIMIT_FILTER_RATIOS = { near: NEAR_LIMIT_RATIO, over: OVER_LIMIT_RATIO } as const;

/**
 * latest_samples: per shard, the newest slot in which a node answered (no
 * older than the given parameter, in seconds). sessions_now: sessions per
 * tenant summed over the nodes of that slot. Join both; sessions of a shard
 * without a recent sample are unknown (null), not 0.
 */
export function sessionsNowCtes(maxAgeParam: string): string {
  return `latest_samples as (
    select shard_id, max(at) as at
    from metric_samples
    where kind = 'node'
      and up
      and at > now() - make_interval(secs => ${maxAgeParam})
    group by shard_id
  ), sessions_now as not materialized (
    select s.tenant_id, sum((s.v ->> 'sessions')::int)::bigint as sessions
    from metric_samples s
    join latest_samples ls on ls.shard_id = s.shard_id and ls.at = s.at
    where s.kind = 'tenant'
    group by s.tenant_id
  )`;
}

/**
 * $1  seconds a shard's latest sample may be old and still count as "now"
 * $2  the current UTC hour (tenant_hour_usage rows of other hours count as 0)
 * $3  name pattern for ILIKE (or null)      $4, $5  id prefix range (or null)
 * $6  tier   $7  shard   $8  status   $9  layout   (each or null)
 * $10 minimum peak usage ratio (or null)
 * $11 rows to fetch (page size + 1: the extra row says whether a next page exists)
 * $12, $13 keyset cursor value and id (only when a cursor is given)
 */
function directorySql(sort: DirectorySort, dir: 'asc' | 'desc', withCursor: boolean): string {
  const { expression, cast } = SORT_COLUMNS[sort];
  const order = dir === 'asc' ? 'asc' : 'desc';
  const keyset = withCursor ? `and (${expression}, t.id) ${dir === 'asc' ? '>' : '<'} ($12::${cast}, $13::uuid)` : '';
  // Two steps: `page` finds the page's ids joining only what the filters and
  // the sort read (the planner drops the unused left joins), then the page's
  // rows get their display columns. Joining everything for 100k tenants
  // before the top-N sort cost 3× as much.
  return `
  with ${sessionsNowCtes('$1')}, page as (
    select t.id, ${expression} as sort_key
    from tenants t
    join tier_limits l on l.tier = t.tier
    left join tenant_usage_latest u on u.tenant_id = t.id
    left join tenant_hour_usage h on h.tenant_id = t.id and h.hour = $2
    left join sessions_now sn on sn.tenant_id = t.id
    where ($3::text is null or t.name ilike $3 or t.id between $4::uuid and $5::uuid)
      and ($6::text is null or t.tier = $6)
      and ($7::text is null or t.shard_id = $7)
      and ($8::text is null or t.status = $8)
      and ($9::text is null or t.layout = $9)
      and ($10::float8 is null or ${PEAK_USAGE_RATIO} >= $10)
      ${keyset}
    order by ${expression} ${order}, t.id ${order}
    limit $11
  )
  select
    t.id::text as id,
    t.name,
    t.tier,
    t.shard_id,
    t.status,
    t.layout,
    t.pinned,
    t.created_at,
    l.max_connections,
    l.max_api_calls_per_hour,
    l.max_storage_bytes,
    l.max_users,
    u.storage_bytes,
    u.users,
    u.measured_at as storage_measured_at,
    case when ls.at is null then null else coalesce(sn.sessions, 0) end as sessions_now,
    p.sort_key::text as sort_value,
    (select min(at) from latest_samples) as sessions_sampled_at
  from page p
  join tenants t on t.id = p.id
  join tier_limits l on l.tier = t.tier
  left join tenant_usage_latest u on u.tenant_id = t.id
  left join latest_samples ls on ls.shard_id = t.shard_id
  left join sessions_now sn on sn.tenant_id = t.id
  order by p.sort_key ${order}, p.id ${order}`;
}

export interface DirectorySqlInput {
  sort: DirectorySort;
  dir: 'asc' | 'desc';
  sampleMaxAgeSeconds: number;
  hour: Date;
  namePattern: string | null;
  idRange: { low: string; high: string } | null;
  tier: string | null;
  shardId: string | null;
  status: string | null;
  layout: string | null;
  minPeakRatio: number | null;
  fetchRows: number;
  cursor: DirectoryCursor | null;
}

export function directoryQuery(input: DirectorySqlInput): { text: string; values: unknown[] } {
  const values: unknown[] = [
    input.sampleMaxAgeSeconds,
    input.hour.toISOString(),
    input.namePattern,
    input.idRange?.low ?? null,
    input.idRange?.high ?? null,
    input.tier,
    input.shardId,
    input.status,
    input.layout,
    input.minPeakRatio,
    input.fetchRows,
  ];
  if (input.cursor) values.push(input.cursor.value, input.cursor.id);
  return { text: directorySql(input.sort, input.dir, input.cursor !== null), values };
}
