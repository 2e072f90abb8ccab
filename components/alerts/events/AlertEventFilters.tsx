'use client';

import { SEVERITIES, type Severity } from '@/lib/alerts/alert-model';
import { RECENT_EVENTS_DAYS, type EventListState } from '@/lib/alerts/events-query';
import { isFiltered, type AlertEventsFilterPatch, type AlertEventsView } from './alert-events-url-view';

const STATE_OPTIONS: { value: EventListState; label: string }[] = [
  { value: 'recent', label: `firing and last ${RECENT_EVENTS_DAYS} days` },
  { value: 'firing', label: 'firing now' },
];

export function AlertEventFilters({
  view,
  shards,
  onChange,
}: {
  view: AlertEventsView;
  shards: { id: string; name: string }[];
  onChange: (patch: AlertEventsFilterPatch) => void;
}) {
  const shardOptions = shards.map((shard) => ({ value: shard.id, label: shard.name === shard.id ? shard.id : `${shard.name} (${shard.id})` }));
  // A shard in the URL that the fleet file no longer lists: its old events are still worth a filter.
  if (view.shardId && !shards.some((shard) => shard.id === view.shardId)) shardOptions.push({ value: view.shardId, label: view.shardId });
  return (
    <form className="filters" role="search" aria-label="Filter alert events" onSubmit={(event) => event.preventDefault()}>
      <label>
        Show
        <select value={view.state} onChange={(event) => onChange({ state: event.target.value as EventListState })} data-testid="filter-state">
          {STATE_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Severity
        <select
          value={view.severity ?? ''}
          onChange={(event) => onChange({ severity: event.target.value === '' ? null : (event.target.value as Severity) })}
          data-testid="filter-severity"
        >
          <option value="">any severity</option>
          {SEVERITIES.map((severity) => (
            <option key={severity} value={severity}>
              {severity} (peak)
            </option>
          ))}
        </select>
      </label>
      <label>
        Shard
        <select value={view.shardId ?? ''} onChange={(event) => onChange({ shardId: event.target.value === '' ? null : event.target.value })} data-testid="filter-shard">
          <option value="">any shard</option>
          {shardOptions.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      {isFiltered(view) ? (
        <button type="button" className="small clear-filters" onClick={() => onChange({ state: 'recent', severity: null, shardId: null })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
