/**
 * Fixture SQL for bench/tenants.ts: a control DB with 100k tenants, their
 * measured usage, this hour's synced counters and a sampled sessions slot.
 * Generated server-side (generate_series), seeded so every run is alike.
 */

export const SEED_RANDOM_SQL = `select setseed(0.20261122)`;

/**
 * $1 tenant count, $2 shard ids. Tier mix as in the demo (half free, 5 %
 * enterprise); names `<word>-<trade>-<n>` so substrings match many or few.
 */
export const INSERT_TENANTS_SQL = `
  insert into tenants (id, name, tier, shard_id, created_at)
  select gen_random_uuid(),
         (array['acme','blue','bright','cedar','copper','delta','ember','fable','granite','harbor','indigo','juniper','kestrel',
                'lumen','maple','nimbus','orbit','pine','quartz','river','summit','tidal','umber','vertex','willow','zephyr'])[1 + n % 26]
           || '-' || (array['logistics','analytics','health','retail','labs','foods','travel','media','finance','robotics',
                'studio','energy','farms','legal','games','freight','clinic','schools','security','housing'])[1 + (n * 7) % 20]
           || '-' || lpad(n::text, 6, '0'),
         case when roll < 0.5 then 'free' when roll < 0.8 then 'starter' when roll < 0.95 then 'professional' else 'enterprise' end,
         ($2::text[])[1 + n % cardinality($2::text[])],
         now() - (n % 730) * interval '1 day' - random() * interval '1 day'
  from (select n, random() as roll from generate_series(1, $1::int) as n) as generated`;

/**
 * Measured storage and users: most tenants far below their limits, a cubed
 * draw puts a few percent near or over (what the near/over filters find).
 */
export const INSERT_USAGE_LATEST_SQL = `
  insert into tenant_usage_latest (tenant_id, shard_id, at, measured_at, storage_bytes, users, method)
  select t.id, t.shard_id, now(), now(),
         (l.max_storage_bytes * power(random(), 3) * 1.1)::bigint,
         greatest(1, (l.max_users * power(random(), 3) * 1.1)::int),
         'apportioned'
  from tenants t
  join tier_limits l on l.tier = t.tier`;

/** This hour's API calls, as the counters sync would have copied them. $1 = the UTC hour. */
export const INSERT_HOUR_USAGE_SQL = `
  insert into tenant_hour_usage (tenant_id, hour, api_calls, rate_limited, cache_hit, cache_miss, synced_at)
  select t.id, $1::timestamptz, calls, 0, (calls * 1.2)::bigint, (calls * 0.3)::bigint, now()
  from tenants t
  join tier_limits l on l.tier = t.tier
  cross join lateral (select (l.max_api_calls_per_hour * power(random(), 4) * 1.05)::bigint as calls) as drawn`;

/** One sampled slot per shard (nodes up) and sessions for about 2 % of the tenants. $1 = slot, $2 = shard ids. */
export const INSERT_SESSION_SAMPLES_SQL = `
  with nodes as (
    insert into metric_samples (at, measured_at, kind, shard_id, node_id, up, v)
    select $1::timestamptz, $1::timestamptz, 'node', shard_id, shard_id || '-primary', true, '{}'::jsonb
    from unnest($2::text[]) as shard_id
  )
  insert into metric_samples (at, measured_at, kind, shard_id, node_id, tenant_id, up, v)
  select $1::timestamptz, $1::timestamptz, 'tenant', t.shard_id, t.shard_id || '-primary', t.id, true,
         jsonb_build_object('sessions', 1 + floor(random() * 4)::int, 'active_seconds', random() * 5)
  from tenants t
  where random() < 0.02`;

export const ANALYZE_SQL = `analyze tenants, tenant_usage_latest, tenant_hour_usage, metric_samples`;

export const SAMPLE_TENANTS_SQL = `
  select id::text as id, name
  from tenants
  order by random()
  limit $1`;
