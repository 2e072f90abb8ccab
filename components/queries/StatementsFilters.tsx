'use client';

import { useCallback } from 'react';
import type { TopologyShard } from './explain-form-view';
import { DebouncedTextFilter } from '@/components/ui/DebouncedTextFilter';
import { MAX_TEXT_FILTER, STATEMENT_LIMITS, isFiltered, type StatementsFilterPatch, type StatementsView } from './statements-url-view';

/** Shard, node, database user and a text fragment; the text is sent as a parameter and bound by the server, never pasted into SQL. */
export function StatementsFilters({ view, shards, onChange }: { view: StatementsView; shards: TopologyShard[]; onChange: (patch: StatementsFilterPatch) => void }) {
  const onText = useCallback((q: string) => onChange({ q: q.trim() }), [onChange]);
  const onUser = useCallback((user: string) => onChange({ user: user.trim() || null }), [onChange]);
  const nodeShards = view.shardId ? shards.filter((shard) => shard.id === view.shardId) : shards;
  const nodes = nodeShards.flatMap((shard) => shard.nodes.map((node) => ({ ...node, shardId: shard.id })));
  // A shard or node in the URL that the fleet file no longer lists stays selectable, so the (empty) filter stays visible.
  const unknownShard = view.shardId && !shards.some((shard) => shard.id === view.shardId) ? view.shardId : null;
  const unknownNode = view.nodeId && !nodes.some((node) => node.id === view.nodeId) ? view.nodeId : null;
  return (
    <form className="filters statements-filters" role="search" aria-label="Filter statements" onSubmit={(event) => event.preventDefault()}>
      <DebouncedTextFilter
        label="Statement text"
        className="filter-search"
        value={view.q}
        maxLength={MAX_TEXT_FILTER}
        placeholder="part of the normalized text"
        testId="statements-search"
        onSettle={onText}
      />
      <label>
        Shard
        <select value={view.shardId ?? ''} onChange={(event) => onChange({ shardId: event.target.value || null })} data-testid="statements-shard">
          <option value="">all shards</option>
          {shards.map((shard) => (
            <option key={shard.id} value={shard.id}>
              {shard.name === shard.id ? shard.id : `${shard.name} (${shard.id})`}
            </option>
          ))}
          {unknownShard ? <option value={unknownShard}>{unknownShard}</option> : null}
        </select>
      </label>
      <label>
        Node
        <select value={view.nodeId ?? ''} onChange={(event) => onChange({ nodeId: event.target.value || null })} data-testid="statements-node">
          <option value="">all nodes</option>
          {nodes.map((node) => (
            <option key={node.id} value={node.id}>
              {node.id} ({node.role})
            </option>
          ))}
          {unknownNode ? <option value={unknownNode}>{unknownNode}</option> : null}
        </select>
      </label>
      <DebouncedTextFilter label="User" value={view.user ?? ''} maxLength={63} placeholder="database role" testId="statements-user" onSettle={onUser} />
      <label>
        Rows
        <select value={view.limit} onChange={(event) => onChange({ limit: Number(event.target.value) })} data-testid="statements-limit">
          {[...new Set([...STATEMENT_LIMITS, view.limit])]
            .sort((a, b) => a - b)
            .map((limit) => (
              <option key={limit} value={limit}>
                {limit}
              </option>
            ))}
        </select>
      </label>
      {isFiltered(view) ? (
        <button type="button" className="small clear-filters" onClick={() => onChange({ q: '', shardId: null, nodeId: null, user: null })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
