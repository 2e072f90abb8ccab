'use client';

import { useMemo, useState, type FormEvent } from 'react';
import { FieldError } from '@/components/balance/FieldError';
import { ApiClientError } from '@/lib/api/client';
import { hasRole, type Role } from '@/lib/auth/roles';
import { useExplainMutation } from '@/lib/queries/statements/explain-mutation';
import type { ExplainResult, StatementDetail } from '@/lib/statements/statements-model';
import { ExplainResultView } from './ExplainResultView';
import { IndexSuggestionPanel } from './IndexSuggestionPanel';
import {
  defaultExplainNode,
  explainFieldOf,
  explainNodeChoices,
  readExplainDraft,
  resizeParams,
  withoutFieldPrefix,
  type ExplainDraft,
  type ExplainErrors,
  type ExplainField,
  type TopologyShard,
} from './explain-form-view';
import { parameterCountOf } from './statement-figures-view';

/**
 * EXPLAIN from the statement's page: a node (a replica of a shard the
 * statement runs on by default), one value per `$n`, and for admins
 * ANALYZE. The server runs it read-only and rolls back; a refusal shows
 * next to the field it names. Viewers read the statement but do not EXPLAIN.
 */
export function ExplainPanel({ detail, shards, role }: { detail: StatementDetail; shards: TopologyShard[]; role: Role }) {
  if (!hasRole(role, 'operator')) {
    return (
      <section className="card panel explain-panel" data-testid="explain-panel" data-can-explain="false">
        <header>
          <h2>EXPLAIN</h2>
        </header>
        <p className="subtle" data-testid="explain-operators-only">
          Operators and admins can EXPLAIN this statement on a node (admins also with ANALYZE); viewers read it.
        </p>
      </section>
    );
  }
  return <ExplainForm detail={detail} shards={shards} canAnalyze={role === 'admin'} />;
}

function ExplainForm({ detail, shards, canAnalyze }: { detail: StatementDetail; shards: TopologyShard[]; canAnalyze: boolean }) {
  const choices = useMemo(() => explainNodeChoices(shards, detail.shards.map((shard) => shard.shardId)), [shards, detail.shards]);
  const [draft, setDraft] = useState<ExplainDraft>(() => ({
    nodeId: defaultExplainNode(choices) ?? '',
    statement: detail.query,
    params: resizeParams([], detail.parameterCount),
    analyze: false,
  }));
  const [errors, setErrors] = useState<ExplainErrors>({});
  // The last plan stays on screen while the next is asked for, and after a refused request.
  const [result, setResult] = useState<ExplainResult | null>(null);
  const mutation = useExplainMutation();

  const edited = draft.statement !== detail.query;
  const serverError = mutation.error;
  const serverField = serverError instanceof ApiClientError ? explainFieldOf(serverError.field) : null;
  const fieldError = (field: ExplainField) =>
    errors[field] ?? (serverField === field ? withoutFieldPrefix(serverError!.message, (serverError as ApiClientError).field) : undefined);

  function edit(patch: Partial<ExplainDraft>) {
    setDraft((previous) => {
      const next = { ...previous, ...patch };
      if (patch.statement !== undefined) {
        // The statement's own text has the server's parameter count; a pasted one is counted here.
        next.params = resizeParams(next.params, patch.statement === detail.query ? detail.parameterCount : parameterCountOf(patch.statement));
      }
      return next;
    });
    setErrors({});
    if (mutation.error) mutation.reset();
  }

  function editParam(index: number, patch: Partial<ExplainDraft['params'][number]>) {
    edit({ params: draft.params.map((param, at) => (at === index ? { ...param, ...patch } : param)) });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const read = readExplainDraft(draft, canAnalyze);
    if (read.errors) {
      setErrors(read.errors);
      return;
    }
    mutation.mutate(read.request, { onSuccess: (answer) => setResult(answer) });
  }

  const readParams = readExplainDraft({ ...draft, statement: detail.query }, false);
  return (
    <section className="card panel explain-panel" data-testid="explain-panel" data-can-explain="true">
      <header>
        <h2>EXPLAIN</h2>
        <span className="subtle">read-only: run inside BEGIN READ ONLY … ROLLBACK with a statement timeout</span>
      </header>
      <form onSubmit={submit} noValidate aria-label="Explain the statement">
        <div className="control-row">
          <label>
            Node
            <select value={draft.nodeId} onChange={(event) => edit({ nodeId: event.target.value })} aria-invalid={Boolean(fieldError('nodeId'))} data-testid="explain-node">
              {draft.nodeId === '' ? <option value="">choose…</option> : null}
              {choices.map((choice) => (
                <option key={choice.nodeId} value={choice.nodeId}>
                  {choice.label}
                </option>
              ))}
            </select>
            <FieldError field="nodeId" message={fieldError('nodeId')} />
          </label>
          {canAnalyze ? (
            <label className="checkbox analyze-option" title="Executes the statement (inside a read-only transaction that is rolled back); refused for a statement that writes">
              <input type="checkbox" checked={draft.analyze} onChange={(event) => edit({ analyze: event.target.checked })} data-testid="explain-analyze" />
              ANALYZE, BUFFERS (runs it)
            </label>
          ) : null}
        </div>
        {canAnalyze ? <FieldError field="analyze" message={fieldError('analyze')} /> : null}
        <label className="statement-input">
          Statement {edited ? <span className="subtle">(edited: EXPLAIN runs this text)</span> : null}
          <textarea
            value={draft.statement}
            rows={Math.min(12, Math.max(3, draft.statement.split('\n').length))}
            spellCheck={false}
            onChange={(event) => edit({ statement: event.target.value })}
            aria-invalid={Boolean(fieldError('statement'))}
            data-testid="explain-statement"
          />
          <FieldError field="statement" message={fieldError('statement')} />
        </label>
        {edited ? (
          <div>
            <button type="button" className="small" onClick={() => edit({ statement: detail.query })}>
              Back to the statement&apos;s text
            </button>
          </div>
        ) : null}
        {draft.params.length > 0 ? (
          <fieldset className="explain-params" data-testid="explain-params">
            <legend className="subtle">Parameters (sent as text, cast by the server)</legend>
            {draft.params.map((param, index) => (
              <div key={index} className="explain-param">
                <label>
                  ${index + 1}
                  <input
                    value={param.value}
                    disabled={param.isNull}
                    onChange={(event) => editParam(index, { value: event.target.value })}
                    aria-invalid={Boolean(fieldError(`params.${index}`))}
                    data-testid="explain-param"
                    data-index={index}
                  />
                </label>
                <label className="checkbox">
                  <input type="checkbox" checked={param.isNull} onChange={(event) => editParam(index, { isNull: event.target.checked })} aria-label={`$${index + 1} is NULL`} />
                  NULL
                </label>
                <FieldError field={`params.${index}`} message={fieldError(`params.${index}`)} />
              </div>
            ))}
          </fieldset>
        ) : null}
        <FieldError field="params" message={fieldError('params')} />
        <div className="control-row">
          <button type="submit" disabled={mutation.isPending} data-testid="explain-button">
            {mutation.isPending ? 'Explaining…' : draft.analyze && canAnalyze ? 'Explain analyze' : 'Explain'}
          </button>
        </div>
        {serverError && !serverField ? (
          <div className="field-error" role="alert" data-testid="explain-error">
            {serverError.message}
          </div>
        ) : null}
      </form>
      {result ? <ExplainResultView result={result} refreshing={mutation.isPending} /> : null}
      <IndexSuggestionPanel
        statementHash={detail.statementHash}
        nodeId={draft.nodeId}
        params={readParams.request?.params ?? null}
        disabledReason={
          edited
            ? 'suggestions are for the statement as recorded, not an edited text'
            : !draft.nodeId
              ? 'choose a node first'
              : readParams.errors
                ? 'fill every parameter first'
                : null
        }
      />
    </section>
  );
}
