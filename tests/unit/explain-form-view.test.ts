import { describe, expect, it } from 'vitest';
import {
  defaultExplainNode,
  explainFieldOf,
  explainNodeChoices,
  readExplainDraft,
  resizeParams,
  toTopology,
  withoutFieldPrefix,
  type TopologyShard,
} from '@/components/queries/explain-form-view';

const fleet: TopologyShard[] = [
  { id: 'shard-1', name: 'Shard 1', nodes: [{ id: 'shard-1-primary', role: 'primary' }, { id: 'shard-1-replica-1', role: 'replica' }] },
  { id: 'shard-2', name: 'Shard 2', nodes: [{ id: 'shard-2-primary', role: 'primary' }, { id: 'shard-2-replica-1', role: 'replica' }] },
  { id: 'shard-3', name: 'Shard 3', nodes: [{ id: 'shard-3-primary', role: 'primary' }] },
];

describe('EXPLAIN node choice', () => {
  it('defaults to a replica of a shard the statement runs on', () => {
    expect(defaultExplainNode(explainNodeChoices(fleet, ['shard-2']))).toBe('shard-2-replica-1');
  });

  it("falls back to that shard's primary when it has no replica, then to any replica", () => {
    expect(defaultExplainNode(explainNodeChoices(fleet, ['shard-3']))).toBe('shard-3-primary');
    expect(defaultExplainNode(explainNodeChoices(fleet, []))).toBe('shard-1-replica-1');
    expect(defaultExplainNode([])).toBeNull();
  });

  it('lists the shards the statement runs on first, replicas before primaries', () => {
    const choices = explainNodeChoices(fleet, ['shard-2']);
    expect(choices.map((choice) => choice.nodeId)).toEqual(['shard-2-replica-1', 'shard-2-primary', 'shard-1-replica-1', 'shard-1-primary', 'shard-3-primary']);
    expect(choices[2].label).toBe('shard-1-replica-1 (replica, statement not seen here)');
  });

  it('passes only ids and roles of the fleet file to the browser', () => {
    const [shard] = toTopology([{ id: 's', name: null, nodes: [{ id: 'n', role: 'primary', url: 'postgres://secret' } as never] }]);
    expect(shard).toEqual({ id: 's', name: 's', nodes: [{ id: 'n', role: 'primary' }] });
  });
});

describe('EXPLAIN form', () => {
  const draft = { nodeId: 'shard-1-replica-1', statement: 'select * from orders where tenant_id = $1 and status = $2', params: resizeParams([], 2), analyze: true };

  it('refuses an empty parameter next to its input, and sends NULL only when ticked', () => {
    expect(readExplainDraft(draft, true).errors).toEqual({ 'params.0': 'a value for $1, or tick NULL', 'params.1': 'a value for $2, or tick NULL' });
    const filled = { ...draft, params: [{ value: 'abc', isNull: false }, { value: '', isNull: true }] };
    expect(readExplainDraft(filled, true).request).toEqual({ nodeId: 'shard-1-replica-1', statement: draft.statement, params: ['abc', null], analyze: true });
  });

  it('never asks for ANALYZE for a role that may not', () => {
    const filled = { ...draft, params: [{ value: 'a', isNull: false }, { value: 'b', isNull: false }] };
    expect(readExplainDraft(filled, false).request?.analyze).toBe(false);
  });

  it('keeps typed values when the parameter count changes', () => {
    expect(resizeParams([{ value: 'a', isNull: false }, { value: 'b', isNull: true }], 1)).toEqual([{ value: 'a', isNull: false }]);
    expect(resizeParams([{ value: 'a', isNull: false }], 2)).toEqual([{ value: 'a', isNull: false }, { value: '', isNull: false }]);
  });

  it("puts the server's refusal next to the field it names", () => {
    expect(explainFieldOf('params.1')).toBe('params.1');
    expect(explainFieldOf('statement')).toBe('statement');
    expect(explainFieldOf('statementHash')).toBe('statement');
    expect(explainFieldOf('params')).toBe('params');
    expect(explainFieldOf('timeoutMs')).toBeNull();
    expect(explainFieldOf(undefined)).toBeNull();
    expect(withoutFieldPrefix('params.1: must be a string', 'params.1')).toBe('must be a string');
    expect(withoutFieldPrefix('statement timed out', 'statement')).toBe('statement timed out');
  });
});
