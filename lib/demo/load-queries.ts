import { tenantTableNames, type TenantTableNames } from '@/lib/tenants/tenant-schema';

/**
 * What the demo load sends: the SQL of each operation (as an app would run it,
 * through PgBouncer, scoped to one tenant), the mix, and the pacing constants.
 *
 * PgBouncer in transaction mode hands each transaction any server connection,
 * so a session's search_path cannot point at a tenant's schema; the statements
 * are built per layout from the tenant's table names instead (plain for
 * shared tenants, schema-qualified for schema tenants), and every one still
 * filters on tenant_id, which the schema tables carry too.
 */
function buildLoadStatements(t: TenantTableNames) {
  return {
    /** The tenant's id ranges: the first screen an app shows, and what the session's point reads aim at. PK probes only. */
    TENANT_ID_RANGES: `
    select (select min(id) from ${t.orders} where tenant_id = $1) as first_order_id,
           (select max(id) from ${t.orders} where tenant_id = $1) as last_order_id,
           (select min(id) from ${t.events} where tenant_id = $1) as first_event_id,
           (select max(id) from ${t.events} where tenant_id = $1) as last_event_id,
           (select min(id) from ${t.app_users} where tenant_id = $1) as first_user_id,
           (select max(id) from ${t.app_users} where tenant_id = $1) as last_user_id`,
    /** Order detail page: one PK lookup. */
    ORDER_BY_ID: `
    select id, user_id, amount_cents, status, created_at from ${t.orders}
    where tenant_id = $1 and id = $2`,
    /** Event detail: one PK lookup. */
    EVENT_BY_ID: `
    select id, kind, payload, created_at from ${t.events}
    where tenant_id = $1 and id = $2`,
    /** Profile page: one PK lookup. */
    USER_BY_ID: `
    select id, email, created_at from ${t.app_users}
    where tenant_id = $1 and id = $2`,
    /** Latest orders list: a short backward range scan of the tenant's PK range. */
    RECENT_ORDERS: `
    select id, user_id, amount_cents, status, created_at from ${t.orders}
    where tenant_id = $1
    order by id desc
    limit 20`,
    /** Activity feed page below a cursor: a short PK range scan. */
    EVENTS_PAGE: `
    select id, kind, payload ->> 'path' as path, created_at from ${t.events}
    where tenant_id = $1 and id < $2
    order by id desc
    limit 50`,
    /** Records an app event; the new id extends the session's range for later reads. */
    INSERT_EVENT: `
    insert into ${t.events} (tenant_id, kind, payload)
    values ($1, $2, $3::jsonb)
    returning id`,
    /** Places an order (status defaults to open). */
    INSERT_ORDER: `
    insert into ${t.orders} (tenant_id, user_id, amount_cents)
    values ($1, $2, $3)
    returning id`,
    /** Moves an order along; aimed at the newest order now and then, where it may queue behind an open transaction. */
    UPDATE_ORDER_STATUS: `
    update ${t.orders} set status = $3, updated_at = now()
    where tenant_id = $1 and id = $2`,
    /** Deliberately slow (1.5–2.5 s): a report waiting on something inside the query; feeds the slow-query views. */
    SLOW_WAITING_REPORT: `
    select pg_sleep($2), count(*) as open_orders from ${t.orders}
    where tenant_id = $1 and status = 'open'`,
    /**
     * Deliberately unindexed: free-text search through every event payload of a
     * big tenant (casts and scans all of them; ~50–100 ms at 40k events, against
     * well under 1 ms for the PK lookups), the query a missing-index view should flag.
     */
    UNINDEXED_EVENT_SEARCH: `
    select id, kind, payload ->> 'path' as path, created_at from ${t.events}
    where tenant_id = $1 and payload::text ilike $2
    order by created_at desc
    limit 20`,
    /** Locks the tenant's newest order and is then left open: the idle-in-transaction session operators hunt. */
    LOCK_NEWEST_ORDER: `
    update ${t.orders} set status = 'paid', updated_at = now()
    where tenant_id = $1 and id = (select max(id) from ${t.orders} where tenant_id = $1)`,
  };
}

export type LoadStatements = ReturnType<typeof buildLoadStatements>;

const statementsBySchema = new Map<string | null, LoadStatements>();

/** The operations' SQL for a tenant in `schemaName` (null: shared tables); built once per schema. */
export function loadStatementsFor(schemaName: string | null): LoadStatements {
  let statements = statementsBySchema.get(schemaName);
  if (!statements) {
    statements = buildLoadStatements(tenantTableNames(schemaName));
    statementsBySchema.set(schemaName, statements);
  }
  return statements;
}

/** About one query in fifty is deliberately slow (or, for big tenants, half the time unindexed). */
export const SLOW_QUERY_SHARE = 1 / 50;
/** Tenants at least this big may get the unindexed search instead of the waiting report. */
export const BIG_TENANT_ROWS = 10_000;
/** Chance per query of opening an idle-in-transaction session (about one every 15 s at 25 q/s)… */
export const IDLE_TRANSACTION_CHANCE = 1 / 400;
/** …never more than two at a time: each holds one of the shard's five pooled server connections. */
export const MAX_IDLE_TRANSACTIONS = 2;
/** Longer than the longest idle transaction (20 s), so an update queued behind one waits rather than failing. */
export const QUERY_TIMEOUT_MS = 25_000;
export const OUTAGE_LOG_INTERVAL_MS = 10_000;
export const MAX_BACKOFF_MS = 10_000;
/** Hits served from cache before a read reaches the database are capped, so one lucky roll stays plausible. */
export const MAX_CACHE_HITS_PER_MISS = 50;

/** [operation, share of ordinary traffic]: mostly reads, as in any OLTP app. */
export const OPERATION_MIX = [
  ['order_by_id', 25], ['event_by_id', 10], ['user_by_id', 5], ['recent_orders', 15], ['events_page', 15],
  ['insert_event', 18], ['insert_order', 5], ['update_order_status', 7],
] as const;
export type Operation = (typeof OPERATION_MIX)[number][0] | 'slow_waiting_report' | 'unindexed_event_search';

export const EVENT_KINDS = ['page_view', 'api_request', 'search', 'login', 'order_created', 'email_sent', 'error'];
export const PATHS = ['/', '/orders', '/orders/:id', '/search', '/settings', '/billing', '/reports'];
export const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'BR', 'IN', 'JP'];
export const ORDER_STATUSES = ['paid', 'shipped', 'cancelled', 'refunded'];
export const SEARCH_TERMS = ['lorem', 'campaign-1', 'mobile', '/billing', '/reports', 'beta'];
