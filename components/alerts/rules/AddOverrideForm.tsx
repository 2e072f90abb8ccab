'use client';

import { useState, type FormEvent } from 'react';
import type { AlertRule } from '@/lib/alerts/alert-model';
import type { AlertRuleMetricInfo } from '@/lib/alerts/rule-validation';
import { ApiClientError } from '@/lib/api/client';
import { useCreateAlertRuleMutation } from '@/lib/queries/alerts/rules/create-alert-rule-mutation';
import { scopeLabel } from './rule-form-view';

/** A shard of the fleet file and its nodes, as the server page passes them. */
export interface OverrideShard {
  id: string;
  name: string;
  nodes: { id: string; role: 'primary' | 'replica' }[];
}

type OverrideField = 'metric' | 'shardId' | 'nodeId' | 'scope';
const WHOLE_SHARD = '';

/** Whether a metric is evaluated per node (or its host), so a node override means something, and on which nodes. */
function nodesFor(metric: AlertRuleMetricInfo | undefined, shard: OverrideShard | undefined): OverrideShard['nodes'] {
  if (!metric || !shard || (metric.target !== 'node' && metric.target !== 'host')) return [];
  return shard.nodes.filter((node) => metric.roles.includes(node.role));
}

/** Metric, shard and optionally one node: the override starts as a copy of the fleet default (POST /api/alert-rules). */
export function AddOverrideForm({ metrics, shards }: { metrics: AlertRuleMetricInfo[]; shards: OverrideShard[] }) {
  const [metricName, setMetricName] = useState(metrics[0]?.metric ?? '');
  const [shardId, setShardId] = useState(shards[0]?.id ?? '');
  const [nodeId, setNodeId] = useState(WHOLE_SHARD);
  const [added, setAdded] = useState<AlertRule | null>(null);
  const create = useCreateAlertRuleMutation();

  const metric = metrics.find((candidate) => candidate.metric === metricName);
  const shard = shards.find((candidate) => candidate.id === shardId);
  const nodes = nodesFor(metric, shard);
  const chosenNode = nodes.some((node) => node.id === nodeId) ? nodeId : WHOLE_SHARD;

  const error = create.error;
  const errorField = error instanceof ApiClientError ? (error.field as OverrideField | undefined) : undefined;
  const errorFor = (field: OverrideField) => (error && errorField === field ? error.message : undefined);

  function reset() {
    setAdded(null);
    create.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      chosenNode === WHOLE_SHARD ? { metric: metricName, scope: 'shard', shardId } : { metric: metricName, scope: 'node', shardId, nodeId: chosenNode },
      { onSuccess: ({ rule }) => setAdded(rule) },
    );
  }

  const message = (field: OverrideField) =>
    errorFor(field) ? (
      <div className="field-error" role="alert" data-testid="override-error" data-field={field}>
        {errorFor(field)}
      </div>
    ) : null;

  return (
    <form className="card" onSubmit={submit} data-testid="add-override">
      <div className="filters">
        <label>
          Metric
          <select
            value={metricName}
            onChange={(event) => {
              setMetricName(event.target.value);
              reset();
            }}
            data-testid="override-metric"
          >
            {metrics.map((candidate) => (
              <option key={candidate.metric} value={candidate.metric}>
                {candidate.label}
              </option>
            ))}
          </select>
          {message('metric')}
        </label>
        <label>
          Shard
          <select
            value={shardId}
            onChange={(event) => {
              setShardId(event.target.value);
              setNodeId(WHOLE_SHARD);
              reset();
            }}
            data-testid="override-shard"
          >
            {shards.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name === candidate.id ? candidate.id : `${candidate.name} (${candidate.id})`}
              </option>
            ))}
          </select>
          {message('shardId')}
        </label>
        <label>
          Node (optional)
          <select
            value={chosenNode}
            onChange={(event) => {
              setNodeId(event.target.value);
              reset();
            }}
            disabled={nodes.length === 0}
            data-testid="override-node"
          >
            <option value={WHOLE_SHARD}>whole shard</option>
            {nodes.map((node) => (
              <option key={node.id} value={node.id}>
                {node.id} ({node.role})
              </option>
            ))}
          </select>
          {metric && metric.target !== 'node' && metric.target !== 'host' ? (
            <span className="subtle">{metric.target === 'pool' ? 'evaluated per shard (its PgBouncer)' : 'evaluated per tenant'}: shard overrides only</span>
          ) : null}
          {message('nodeId')}
          {message('scope')}
        </label>
        <button type="submit" disabled={create.isPending || !metricName || !shardId} data-testid="override-add">
          {create.isPending ? 'Adding…' : 'Add override'}
        </button>
      </div>
      {error && !(errorField && ['metric', 'shardId', 'nodeId', 'scope'].includes(errorField)) ? (
        <p className="field-error" role="alert" data-testid="override-error">
          {error.message}
        </p>
      ) : null}
      {added ? (
        <p className="ok-text" role="status" data-testid="override-added">
          Added an override for {scopeLabel(added)}: edit its thresholds in the table above.
        </p>
      ) : null}
    </form>
  );
}
