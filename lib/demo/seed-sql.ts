import type { TenantTableNames } from '@/lib/tenants/tenant-schema';

/**
 * The demo's tenant rows, generated server-side on a shard primary. Each
 * statement is built for a table-name map (lib/tenants/tenant-schema.ts):
 * plain names for the shared tables in public, schema-qualified ones for a
 * schema tenant, so both layouts get the same data from the same SQL.
 * Values are bound parameters; the names come from tenantTableNames only.
 */

/** Clears rows an interrupted seed left in the shared tables for these tenants (none on a clean shard). */
export const DELETE_PARTIAL_SHARED_ROWS = `
  with deleted_users as (
    delete from app_users where tenant_id = any($1::uuid[])
  ), deleted_orders as (
    delete from orders where tenant_id = any($1::uuid[])
  )
  delete from events
  where tenant_id = any($1::uuid[])`;

/** Users: firstname.lastnameN@<tenant-name>.example, signed up over the last 400 days. */
export const insertAppUsersSql = (tables: TenantTableNames) => `
  insert into ${tables.app_users} (tenant_id, email, created_at)
  select demo.tenant_id,
         format('%s.%s%s@%s.example',
                (array['ana','ben','chloe','dev','emma','femi','gus','hana','ivan','jade','kai','lena','mo','nina','omar','priya'])[1 + g.n % 16],
                (array['smith','garcia','chen','okafor','muller','rossi','tanaka','silva','novak','khan','dubois'])[1 + (g.n * 7) % 11],
                g.n, demo.tenant_name),
         now() - random() * interval '400 days'
  from unnest($1::uuid[], $2::text[], $3::int[]) as demo (tenant_id, tenant_name, row_count)
  cross join lateral generate_series(1, demo.row_count) as g (n)`;

/**
 * Orders over the last 180 days, placed by the tenant's users (whose ids are
 * consecutive: one insert made them, with nothing else writing). Amounts are
 * log-uniform from $0.55 to ~$990; recent orders are still mostly open, older
 * ones paid or shipped, a few cancelled or refunded.
 */
export const insertOrdersSql = (tables: TenantTableNames) => `
  insert into ${tables.orders} (tenant_id, user_id, amount_cents, status, created_at, updated_at)
  select tenant_id, user_id, amount_cents,
         case
           when created_at > now() - interval '2 days' and roll < 0.7 then 'open'
           when roll < 0.55 then 'paid'
           when roll < 0.85 then 'shipped'
           when roll < 0.94 then 'cancelled'
           else 'refunded'
         end,
         created_at,
         created_at + random() * interval '3 days'
  from (
    select demo.tenant_id,
           users.first_user_id + floor(random() * users.user_count)::bigint as user_id,
           round(exp(4 + random() * 7.5))::bigint as amount_cents,
           now() - random() * interval '180 days' as created_at,
           random() as roll
    from unnest($1::uuid[], $2::int[]) as demo (tenant_id, row_count)
    cross join lateral (
      select min(id) as first_user_id, count(*) as user_count
      from ${tables.app_users} as app_users
      where app_users.tenant_id = demo.tenant_id
    ) as users
    cross join lateral generate_series(1, demo.row_count) as g (n)
  ) as generated`;

/**
 * Events over the last 30 days. Kinds are skewed (page views dominate); the
 * payload is small for most rows, carries tags for about a fifth and a
 * 0.3–2 KB body for about 3%, so row sizes vary the way real event logs do.
 */
export const insertEventsSql = (tables: TenantTableNames) => `
  insert into ${tables.events} (tenant_id, kind, payload, created_at)
  select tenant_id,
         (array['page_view','api_request','search','login','order_created','order_paid',
                'email_sent','webhook_delivered','export_started','error'])[1 + floor(kind_roll * kind_roll * 10)::int],
         jsonb_build_object(
           'user_id', user_id,
           'path', (array['/','/orders','/orders/:id','/search','/settings','/billing','/reports','/api/v1/items'])[1 + floor(random() * 8)::int],
           'duration_ms', floor(random() * random() * 3000)::int,
           'country', (array['DE','FR','US','GB','BR','IN','JP','NG','CA','NL'])[1 + floor(random() * 10)::int],
           'session', substr(md5(random()::text), 1, 12)
         ) || case
           when size_roll < 0.03 then jsonb_build_object('body', repeat('lorem ipsum dolor ', 16 + floor(random() * 100)::int))
           when size_roll < 0.22 then jsonb_build_object('tags', jsonb_build_array('beta', 'mobile', 'campaign-' || floor(random() * 40)::int))
           else '{}'::jsonb
         end,
         created_at
  from (
    select demo.tenant_id,
           users.first_user_id + floor(random() * users.user_count)::bigint as user_id,
           random() as kind_roll,
           random() as size_roll,
           now() - random() * interval '30 days' as created_at
    from unnest($1::uuid[], $2::int[]) as demo (tenant_id, row_count)
    cross join lateral (
      select min(id) as first_user_id, count(*) as user_count
      from ${tables.app_users} as app_users
      where app_users.tenant_id = demo.tenant_id
    ) as users
    cross join lateral generate_series(1, demo.row_count) as g (n)
  ) as generated`;

/** Fresh statistics after a bulk load, so the first plans and size estimates are sane. */
export const analyzeTenantTablesSql = (tables: TenantTableNames) => `analyze ${tables.app_users}, ${tables.orders}, ${tables.events}`;
