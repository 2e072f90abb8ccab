import type pg from 'pg';
import {
  COUNTRIES,
  EVENT_KINDS,
  ORDER_STATUSES,
  PATHS,
  SEARCH_TERMS,
  loadStatementsFor,
  type Operation,
} from './load-queries';
import type { RoutedTenant } from './tenant-directory';

/**
 * One operation of a demo app session against the tenant's tables (shared or
 * its schema's), aimed at ids the session knows exist.
 */

/** The tenant's first and last id per table (null: no rows yet), kept current as the session inserts. */
export type IdRanges = Record<'orders' | 'events' | 'app_users', { first: number; last: number } | null>;

export type TenantQuery = (sql: string, values: unknown[]) => Promise<pg.QueryResult>;

/** Reads the tenant's id ranges: the first screen of a session. */
export async function readIdRanges(query: TenantQuery, tenant: RoutedTenant): Promise<IdRanges> {
  const row = (await query(loadStatementsFor(tenant.schemaName).TENANT_ID_RANGES, [tenant.id])).rows[0] as Record<string, string | null>;
  const range = (first: string | null, last: string | null) => (first === null || last === null ? null : { first: Number(first), last: Number(last) });
  return {
    orders: range(row.first_order_id, row.last_order_id),
    events: range(row.first_event_id, row.last_event_id),
    app_users: range(row.first_user_id, row.last_user_id),
  };
}

export async function runOperation(
  query: TenantQuery,
  tenant: RoutedTenant,
  ids: IdRanges,
  operation: Operation,
  random: () => number,
): Promise<void> {
  const sql = loadStatementsFor(tenant.schemaName);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const oneOf = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  // Id 0 never exists: a tenant without rows gets an empty result, as its app would.
  const idIn = (range: IdRanges[keyof IdRanges]) => (range ? between(range.first, range.last) : 0);
  const inserted = (table: 'orders' | 'events', result: pg.QueryResult) => {
    const id = Number(result.rows[0].id);
    ids[table] = { first: ids[table]?.first ?? id, last: id };
  };
  switch (operation) {
    case 'order_by_id':
      await query(sql.ORDER_BY_ID, [tenant.id, idIn(ids.orders)]);
      return;
    case 'event_by_id':
      await query(sql.EVENT_BY_ID, [tenant.id, idIn(ids.events)]);
      return;
    case 'user_by_id':
      await query(sql.USER_BY_ID, [tenant.id, idIn(ids.app_users)]);
      return;
    case 'recent_orders':
      await query(sql.RECENT_ORDERS, [tenant.id]);
      return;
    case 'events_page':
      await query(sql.EVENTS_PAGE, [tenant.id, idIn(ids.events) + 1]);
      return;
    case 'insert_event': {
      const payload = { user_id: ids.app_users?.last ?? null, path: oneOf(PATHS), duration_ms: between(5, 900), country: oneOf(COUNTRIES) };
      inserted('events', await query(sql.INSERT_EVENT, [tenant.id, oneOf(EVENT_KINDS), JSON.stringify(payload)]));
      return;
    }
    case 'insert_order': {
      const userId = ids.app_users ? idIn(ids.app_users) : null;
      inserted('orders', await query(sql.INSERT_ORDER, [tenant.id, userId, Math.round(Math.exp(4 + random() * 7.5))]));
      return;
    }
    case 'update_order_status': {
      const orderId = random() < 0.3 ? (ids.orders?.last ?? 0) : idIn(ids.orders);
      await query(sql.UPDATE_ORDER_STATUS, [tenant.id, orderId, oneOf(ORDER_STATUSES)]);
      return;
    }
    case 'slow_waiting_report':
      await query(sql.SLOW_WAITING_REPORT, [tenant.id, 1.5 + random()]);
      return;
    case 'unindexed_event_search':
      await query(sql.UNINDEXED_EVENT_SEARCH, [tenant.id, `%${oneOf(SEARCH_TERMS)}%`]);
      return;
  }
}
