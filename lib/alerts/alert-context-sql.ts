import { sessionsNowCtes } from '@/lib/tenants/directory-search-sql';

/**
 * Control-DB SQL of an alert's context snapshot (lib/alerts/alert-context.ts).
 * The live parts read the fleet through lib/monitor; the statement part
 * through lib/statements' window SQL.
 */

/**
 * The shard's tenants by the time their queries took over the window, from
 * the sampled sessions (kind 'tenant': per node and slot, sessions and active
 * sessions × interval as active seconds): active seconds summed over nodes
 * and slots, sessions as the most seen at once (summed over the nodes of a
 * slot). Names from the directory (null for a tenant it does not know).
 *
 * $1 shard id, $2 window end (inclusive), $3 window length in seconds, $4 rows.
 */
export const TOP_TENANTS_SQL = `
  with per_slot as (
    select
      s.tenant_id,
      s.at,
      sum((s.v ->> 'sessions')::float8) as sessions,
      sum((s.v ->> 'active_seconds')::float8) as active_seconds
    from metric_samples s
    where s.kind = 'tenant'
      and s.shard_id = $1
      and s.at > $2::timestamptz - make_interval(secs => $3)
      and s.at <= $2
    group by s.tenant_id, s.at
  )
  select
    p.tenant_id::text as tenant_id,
    t.name,
    coalesce(sum(p.active_seconds), 0)::float8 as active_seconds,
    coalesce(max(p.sessions), 0)::int as sessions
  from per_slot p
  left join tenants t on t.id = p.tenant_id
  group by p.tenant_id, t.name
  order by active_seconds desc, sessions desc, p.tenant_id
  limit $4`;

/**
 * One tenant's usage against each limit of its tier, as the directory counts
 * it: measured storage and users, this hour's synced API calls, sessions of
 * its shard's latest sample (unknown counts as 0 there too).
 *
 * $1 tenant id, $2 seconds a shard's latest sample may be old and still
 * count as "now", $3 the current UTC hour.
 */
export const TENANT_USAGE_SQL = `
  with ${sessionsNowCtes('$2')}
  select
    l.max_connections,
    l.max_api_calls_per_hour::float8 as max_api_calls_per_hour,
    l.max_storage_bytes::float8 as max_storage_bytes,
    l.max_users,
    coalesce(u.storage_bytes, 0)::float8 as storage_bytes,
    coalesce(u.users, 0) as users,
    coalesce(h.api_calls, 0)::float8 as api_calls,
    coalesce(sn.sessions, 0)::float8 as sessions
  from tenants t
  join tier_limits l on l.tier = t.tier
  left join tenant_usage_latest u on u.tenant_id = t.id
  left join tenant_hour_usage h on h.tenant_id = t.id and h.hour = $3
  left join sessions_now sn on sn.tenant_id = t.id
  where t.id = $1`;
