import type { ExplainRequest } from '@/lib/statements/statements-model';

/**
 * The EXPLAIN form: which node to ask, one value per `$n`, and how the
 * server's answer maps back onto the inputs. Pure; unit-tested.
 */

export interface TopologyNode {
  id: string;
  role: 'primary' | 'replica';
}

export interface TopologyShard {
  id: string;
  name: string;
  nodes: TopologyNode[];
}

export interface NodeChoice {
  nodeId: string;
  shardId: string;
  role: 'primary' | 'replica';
  /** The statement has figures on this shard. */
  runsHere: boolean;
  label: string;
}

/**
 * Every node, those of the shards the statement runs on first, replicas before
 * primaries within a shard: EXPLAIN ANALYZE executes the statement, and a
 * replica is where that costs the application nothing.
 */
export function explainNodeChoices(shards: TopologyShard[], statementShardIds: readonly string[]): NodeChoice[] {
  const runs = new Set(statementShardIds);
  const ordered = [...shards.filter((shard) => runs.has(shard.id)), ...shards.filter((shard) => !runs.has(shard.id))];
  return ordered.flatMap((shard) =>
    [...shard.nodes]
      .sort((a, b) => (a.role === b.role ? 0 : a.role === 'replica' ? -1 : 1))
      .map((node) => ({
        nodeId: node.id,
        shardId: shard.id,
        role: node.role,
        runsHere: runs.has(shard.id),
        label: `${node.id} (${node.role}${runs.has(shard.id) ? '' : ', statement not seen here'})`,
      })),
  );
}

/** A replica of a shard the statement runs on; else that shard's primary; else any replica; else any node; null for an empty fleet. */
export function defaultExplainNode(choices: readonly NodeChoice[]): string | null {
  const pick =
    choices.find((choice) => choice.runsHere && choice.role === 'replica') ??
    choices.find((choice) => choice.runsHere) ??
    choices.find((choice) => choice.role === 'replica') ??
    choices[0];
  return pick?.nodeId ?? null;
}

export interface ParamDraft {
  value: string;
  /** Send SQL NULL (the value box is ignored). */
  isNull: boolean;
}

export interface ExplainDraft {
  nodeId: string;
  statement: string;
  params: ParamDraft[];
  analyze: boolean;
}

/** Where an error is shown: an input, one parameter (`params.0` for $1), or the form as a whole. */
export type ExplainField = 'nodeId' | 'statement' | 'params' | 'analyze' | `params.${number}`;
export type ExplainErrors = Partial<Record<ExplainField, string>>;

/** The draft with exactly `count` parameter rows, keeping what was typed in the first ones. */
export function resizeParams(params: readonly ParamDraft[], count: number): ParamDraft[] {
  return Array.from({ length: count }, (_, index) => params[index] ?? { value: '', isNull: false });
}

/** What the form sends, or why it does not: an empty value is refused next to its input (tick NULL to mean NULL). */
export function readExplainDraft(draft: ExplainDraft, canAnalyze: boolean): { request: ExplainRequest; errors?: undefined } | { request?: undefined; errors: ExplainErrors } {
  const errors: ExplainErrors = {};
  if (!draft.nodeId) errors.nodeId = 'choose a node';
  if (!draft.statement.trim()) errors.statement = 'paste a statement';
  draft.params.forEach((param, index) => {
    if (!param.isNull && param.value === '') errors[`params.${index}`] = `a value for $${index + 1}, or tick NULL`;
  });
  if (Object.keys(errors).length > 0) return { errors };
  return {
    request: {
      nodeId: draft.nodeId,
      statement: draft.statement,
      params: draft.params.map((param) => (param.isNull ? null : param.value)),
      analyze: canAnalyze && draft.analyze,
    },
  };
}

/** The server names the field at fault (`params.1`, `statement`, `nodeId`…); anything else shows above the form. */
export function explainFieldOf(field: string | undefined): ExplainField | null {
  if (!field) return null;
  if (field === 'nodeId' || field === 'statement' || field === 'params' || field === 'analyze') return field;
  const param = /^params\.(\d+)$/.exec(field);
  if (param) return `params.${Number(param[1])}`;
  // The suggest-index request names the statement by hash: its errors belong to the statement.
  if (field === 'statementHash') return 'statement';
  return null;
}

/** "params.1: must be a string" reads "must be a string" next to $2's input. */
export function withoutFieldPrefix(message: string, field: string | undefined): string {
  return field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** The fleet file's shards as the pages pass them to the browser: ids and roles only, never a connection string. */
export function toTopology(shards: readonly { id: string; name?: string | null; nodes: readonly { id: string; role: 'primary' | 'replica' }[] }[]): TopologyShard[] {
  return shards.map((shard) => ({ id: shard.id, name: shard.name ?? shard.id, nodes: shard.nodes.map((node) => ({ id: node.id, role: node.role })) }));
}
