'use client';

import { DebouncedTextFilter } from '@/components/ui/DebouncedTextFilter';
import { MAX_PAGE_SIZE } from '@/lib/tenants/directory-params';
import type { DirectoryView, LimitFilter } from '@/lib/tenants/directory-url-view';
import { TENANT_LAYOUTS, TENANT_STATUSES, TIERS, type TenantLayout, type TenantStatus, type Tier } from '@/lib/tenants/tenant-model';

const PAGE_SIZES = [25, 50, 100, MAX_PAGE_SIZE] as const;

export type FilterPatch = Partial<Pick<DirectoryView, 'q' | 'tier' | 'shardId' | 'status' | 'layout' | 'limit' | 'pageSize'>>;

function FilterSelect<T extends string>({
  label,
  value,
  options,
  anyLabel,
  onChange,
}: {
  label: string;
  value: T | null;
  options: readonly { value: T; label: string }[];
  anyLabel: string;
  onChange: (value: T | null) => void;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value === '' ? null : (event.target.value as T))}>
        <option value="">{anyLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const asOptions = <T extends string>(values: readonly T[]) => values.map((value) => ({ value, label: value }));
const LIMIT_OPTIONS: { value: LimitFilter; label: string }[] = [
  { value: 'near', label: 'near a limit (≥ 80 %)' },
  { value: 'over', label: 'over a limit (≥ 100 %)' },
];

export function DirectoryFilters({
  view,
  shards,
  onSearch,
  onChange,
}: {
  view: DirectoryView;
  shards: { id: string; name: string }[];
  onSearch: (q: string) => void;
  onChange: (patch: FilterPatch) => void;
}) {
  const shardOptions = shards.map((shard) => ({ value: shard.id, label: shard.name === shard.id ? shard.id : `${shard.name} (${shard.id})` }));
  // A shard in the URL that the fleet file no longer lists: keep it selectable so the (failing) filter stays visible.
  if (view.shardId && !shards.some((shard) => shard.id === view.shardId)) shardOptions.push({ value: view.shardId, label: view.shardId });
  const filtered =
    view.q !== '' || view.tier !== null || view.shardId !== null || view.status !== null || view.layout !== null || view.limit !== null;
  return (
    <form className="filters" role="search" aria-label="Filter tenants" onSubmit={(event) => event.preventDefault()}>
      <DebouncedTextFilter
        label="Search"
        value={view.q}
        maxLength={100}
        placeholder="part of a name, or the start of an id"
        className="filter-search"
        testId="tenant-search"
        onSettle={onSearch}
      />
      <FilterSelect<Tier> label="Tier" value={view.tier} options={asOptions(TIERS)} anyLabel="any tier" onChange={(tier) => onChange({ tier })} />
      <FilterSelect<string> label="Shard" value={view.shardId} options={shardOptions} anyLabel="any shard" onChange={(shardId) => onChange({ shardId })} />
      <FilterSelect<TenantStatus>
        label="Status"
        value={view.status}
        options={asOptions(TENANT_STATUSES)}
        anyLabel="any status"
        onChange={(status) => onChange({ status })}
      />
      <FilterSelect<TenantLayout>
        label="Layout"
        value={view.layout}
        options={asOptions(TENANT_LAYOUTS)}
        anyLabel="any layout"
        onChange={(layout) => onChange({ layout })}
      />
      <FilterSelect<LimitFilter> label="Limits" value={view.limit} options={LIMIT_OPTIONS} anyLabel="any usage" onChange={(limit) => onChange({ limit })} />
      <label>
        Per page
        <select value={view.pageSize} onChange={(event) => onChange({ pageSize: Number(event.target.value) })}>
          {[...new Set([...PAGE_SIZES, view.pageSize])]
            .sort((a, b) => a - b)
            .map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
        </select>
      </label>
      {filtered ? (
        <button
          type="button"
          className="small clear-filters"
          // The page size is a preference, not a filter: it survives.
          onClick={() => onChange({ q: '', tier: null, shardId: null, status: null, layout: null, limit: null })}
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
