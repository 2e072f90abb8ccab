'use client';

import { createColumnHelper, rowSortingFeature, tableFeatures, useTable, type SortingState, type Updater } from '@tanstack/react-table';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { MouseEvent } from 'react';
import { StatusBadge, type BadgeTone } from '@/components/ui/StatusBadge';
import type { DirectorySort } from '@/lib/tenants/directory-params';
import { firstSortDirection, type SortDirection } from '@/lib/tenants/directory-url-view';
import type { TenantDirectoryRow, TenantStatus } from '@/lib/tenants/tenant-model';
import { formatHitRate, peakLimitView, usageAmountText, usageBar } from '@/lib/tenants/usage-bar-view';
import { formatNumber } from '@/lib/format';
import { UsageMeter } from './UsageMeter';

/**
 * The directory table. Sorting is the server's (a keyset over 100k tenants):
 * a header click changes the URL, the table only shows which column and
 * direction the page was sorted by. Headers are buttons, each tenant's name a
 * link: Tab reaches them, Enter sorts or opens.
 */

const features = tableFeatures({ rowSortingFeature });
const helper = createColumnHelper<typeof features, TenantDirectoryRow>();

const STATUS_TONE: Record<TenantStatus, BadgeTone> = { active: 'ok', moving: 'warn', fenced: 'warn', suspended: 'bad' };

function tenantHref(id: string): string {
  return `/tenants/${encodeURIComponent(id)}`;
}

const columns = helper.columns([
  helper.accessor('name', {
    id: 'name',
    header: 'Tenant',
    cell: ({ row }) => (
      <Link href={tenantHref(row.original.id)} className="tenant-link" data-testid="tenant-link">
        {row.original.name}
      </Link>
    ),
  }),
  helper.accessor('tier', { id: 'tier', header: 'Tier' }),
  helper.accessor('shardId', {
    id: 'shard',
    header: 'Shard',
    cell: ({ row }) => (
      <Link href={`/shards/${encodeURIComponent(row.original.shardId)}`} className="mono">
        {row.original.shardId}
      </Link>
    ),
  }),
  helper.accessor('status', {
    id: 'status',
    header: 'Status',
    enableSorting: false,
    cell: ({ row }) => (
      <>
        <StatusBadge tone={STATUS_TONE[row.original.status]}>{row.original.status}</StatusBadge>
        {row.original.pinned ? <span className="subtle" title="pinned: a rebalance never moves it"> · pinned</span> : null}
      </>
    ),
  }),
  helper.accessor('layout', { id: 'layout', header: 'Layout', enableSorting: false }),
  helper.accessor('storageBytes', {
    id: 'storage',
    header: 'Storage',
    cell: ({ row }) => {
      const tenant = row.original;
      if (tenant.storageBytes === null) return <span className="subtle">not measured yet</span>;
      return (
        <UsageMeter
          bar={usageBar(tenant.storageBytes, tenant.limits.maxStorageBytes)}
          amount={usageAmountText('storage', tenant.storageBytes, tenant.limits.maxStorageBytes)}
          title={tenant.storageMeasuredAt ? `measured ${new Date(tenant.storageMeasuredAt).toLocaleString()}` : undefined}
        />
      );
    },
  }),
  helper.accessor('apiCallsThisHour', {
    id: 'api_calls',
    header: 'API calls this hour',
    cell: ({ row }) => {
      const tenant = row.original;
      if (tenant.apiCallsThisHour === null) return <span className="subtle" title="counters unavailable">—</span>;
      return (
        <UsageMeter
          bar={usageBar(tenant.apiCallsThisHour, tenant.limits.maxApiCallsPerHour)}
          amount={usageAmountText('apiCalls', tenant.apiCallsThisHour, tenant.limits.maxApiCallsPerHour)}
          title={tenant.rateLimitedThisHour ? `${tenant.rateLimitedThisHour} refused (429) this hour` : undefined}
        />
      );
    },
  }),
  helper.accessor('sessionsNow', {
    id: 'sessions',
    header: 'Sessions now',
    cell: ({ row }) => {
      const tenant = row.original;
      if (tenant.sessionsNow === null) return <span className="subtle" title="no recent sample of this shard">—</span>;
      return <span title={`limit ${tenant.limits.maxConnections} connections`}>{tenant.sessionsNow}</span>;
    },
  }),
  helper.accessor('cacheHitRateThisHour', {
    id: 'cache',
    header: 'Cache hits (hour)',
    enableSorting: false,
    cell: ({ row }) => {
      const tenant = row.original;
      if (tenant.cacheLookupsThisHour === null) return <span className="subtle" title="counters unavailable">—</span>;
      if (tenant.cacheHitRateThisHour === null) return <span className="subtle" title="no cache traffic">—</span>;
      return <span title={`${formatNumber(tenant.cacheLookupsThisHour)} lookups this hour`}>{formatHitRate(tenant.cacheHitRateThisHour)}</span>;
    },
  }),
  helper.display({
    id: 'peak',
    header: 'Closest limit',
    cell: ({ row }) => {
      const peak = peakLimitView(row.original.peakLimit);
      if (!peak) return <span className="subtle">—</span>;
      return (
        <span className={`usage-state ${peak.tone}`} data-testid="peak-limit" data-state={peak.state}>
          {peak.label} {peak.percentText}
          {peak.stateText ? ` · ${peak.stateText}` : ''}
        </span>
      );
    },
  }),
  helper.accessor('createdAt', {
    id: 'created',
    header: 'Created',
    cell: ({ row }) => <span title={row.original.createdAt}>{row.original.createdAt.slice(0, 10)}</span>,
  }),
]);

/** Columns whose header sorts (the API's allowlist), with the direction a first click asks for. */
const SORTABLE: Record<string, DirectorySort> = {
  name: 'name',
  tier: 'tier',
  shard: 'shard',
  storage: 'storage',
  api_calls: 'api_calls',
  sessions: 'sessions',
  created: 'created',
};

const NUMERIC_COLUMNS = new Set(['storage', 'api_calls', 'sessions', 'cache']);

export function TenantTable({
  tenants,
  sort,
  dir,
  onSort,
}: {
  tenants: TenantDirectoryRow[];
  sort: DirectorySort;
  dir: SortDirection;
  onSort: (sort: DirectorySort, dir: SortDirection) => void;
}) {
  const router = useRouter();
  const sorting: SortingState = [{ id: sort, desc: dir === 'desc' }];
  const table = useTable({
    features,
    columns,
    data: tenants,
    getRowId: (row) => row.id,
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const [first] = next;
      const column = first ? SORTABLE[first.id] : undefined;
      if (!column) return;
      // A first click on another column asks for its natural direction (biggest first for amounts).
      const direction = first.id === sort ? (first.desc ? 'desc' : 'asc') : firstSortDirection(column);
      onSort(column, direction);
    },
  });

  function openRow(event: MouseEvent<HTMLTableRowElement>, id: string) {
    // Links and buttons in the row do their own thing; a click elsewhere on the row opens the tenant.
    if ((event.target as HTMLElement).closest('a, button') || window.getSelection()?.toString()) return;
    router.push(tenantHref(id));
  }

  return (
    <table className="tenant-table" data-testid="tenant-table">
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => {
              const sortedAs = header.column.getCanSort() ? header.column.getIsSorted() : false;
              return (
                <th
                  key={header.id}
                  className={NUMERIC_COLUMNS.has(header.column.id) ? 'num' : undefined}
                  aria-sort={sortedAs === 'asc' ? 'ascending' : sortedAs === 'desc' ? 'descending' : undefined}
                >
                  {header.column.getCanSort() ? (
                    <button type="button" className="sort-header" onClick={header.column.getToggleSortingHandler()} data-column={header.column.id}>
                      <table.FlexRender header={header} />
                      <span className="sort-mark" aria-hidden="true">
                        {sortedAs === 'asc' ? ' ▲' : sortedAs === 'desc' ? ' ▼' : ''}
                      </span>
                    </button>
                  ) : (
                    <table.FlexRender header={header} />
                  )}
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr
            key={row.id}
            className="clickable"
            onClick={(event) => openRow(event, row.original.id)}
            data-testid="tenant-row"
            data-tenant-id={row.original.id}
            data-tier={row.original.tier}
            data-limit-state={peakLimitView(row.original.peakLimit)?.state ?? 'unknown'}
          >
            {row.getAllCells().map((cell) => (
              <td key={cell.id} className={NUMERIC_COLUMNS.has(cell.column.id) ? 'num' : undefined}>
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
