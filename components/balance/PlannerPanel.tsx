'use client';

import { useState, type FormEvent } from 'react';
import { ApiClientError } from '@/lib/api/client';
import { usePlanMutation } from '@/lib/queries/balance/plan-mutation';
import { DIMENSIONS, PLAN_MODES, type BalanceReport, type Dimension, type Plan, type PlanMode } from '@/lib/rebalance/rebalance-model';
import {
  MODE_HINTS,
  MODE_LABELS,
  STORAGE_UNITS,
  defaultPlannerDraft,
  plannerFieldOf,
  plannerShardChoices,
  readPlannerDraft,
  type PlannerDraft,
  type PlannerErrors,
  type PlannerField,
  type StorageUnit,
  withoutFieldPrefix,
} from '@/lib/rebalance/planner-form-view';
import type { BalanceWindow } from '@/lib/rebalance/balance-url-view';
import { FieldError } from './FieldError';
import { PlanResult } from './PlanResult';
import { DIMENSION_DESCRIPTIONS, DIMENSION_LABELS } from './skew-chart-view';

/**
 * The dry run: mode, dimension, threshold, an optional cap on bytes moved and
 * the shard to drain or fill. Planning changes nothing, so every signed-in
 * role may plan; running a plan is an admin's, and comes with online tenant
 * moves. The dimension follows the page's until the operator picks another.
 */
export function PlannerPanel({ report, loadWindow, canAdminister }: { report: BalanceReport; loadWindow: BalanceWindow; canAdminister: boolean }) {
  const mutation = usePlanMutation();
  const [draft, setDraft] = useState<PlannerDraft>(() => defaultPlannerDraft(report.dimension, report.thresholdPct));
  const [errors, setErrors] = useState<PlannerErrors>({});
  // The last plan stays on screen while the next is computed, and after a refused request.
  const [plan, setPlan] = useState<{ plan: Plan; plannedAt: Date } | null>(null);
  const [pageDimension, setPageDimension] = useState<Dimension>(report.dimension);
  if (pageDimension !== report.dimension) {
    // The page switched dimension: plan by the one the operator is now looking at.
    setPageDimension(report.dimension);
    setDraft((previous) => ({ ...previous, dimension: report.dimension }));
  }

  const choices = plannerShardChoices(draft.mode, report.shards);
  const serverError = mutation.error;
  const serverField = serverError instanceof ApiClientError ? plannerFieldOf(serverError.field) : null;
  const fieldError = (field: PlannerField) => errors[field] ?? (serverField === field ? withoutFieldPrefix(serverError!.message, (serverError as ApiClientError).field) : undefined);

  function edit(patch: Partial<PlannerDraft>) {
    setDraft((previous) => ({ ...previous, ...patch }));
    setErrors({});
    if (mutation.error) mutation.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const read = readPlannerDraft(draft, report.shards, loadWindow);
    if (read.errors) {
      setErrors(read.errors);
      return;
    }
    mutation.mutate(read.body, { onSuccess: (answer) => setPlan({ plan: answer, plannedAt: new Date() }) });
  }

  return (
    <section className="card panel planner" data-testid="planner-panel">
      <header>
        <h2>Rebalance planner</h2>
        <span className="subtle">a dry run: planning moves nothing</span>
      </header>
      <form onSubmit={submit} noValidate aria-label="Plan a rebalance">
        <div className="control-row">
          <label>
            Mode
            <select value={draft.mode} onChange={(event) => edit({ mode: event.target.value as PlanMode, shardId: '' })} data-testid="plan-mode">
              {PLAN_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {MODE_LABELS[mode]}
                </option>
              ))}
            </select>
            <FieldError field="mode" message={fieldError('mode')} />
          </label>
          {draft.mode !== 'balance' ? (
            <label>
              Shard to {draft.mode}
              <select value={draft.shardId} onChange={(event) => edit({ shardId: event.target.value })} aria-invalid={Boolean(fieldError('shardId'))} data-testid="plan-shard">
                <option value="">choose…</option>
                {choices.map((choice) => (
                  <option key={choice.shardId} value={choice.shardId}>
                    {choice.label}
                  </option>
                ))}
              </select>
              <FieldError field="shardId" message={fieldError('shardId')} />
            </label>
          ) : null}
          <label>
            Dimension
            <select value={draft.dimension} onChange={(event) => edit({ dimension: event.target.value as Dimension })} data-testid="plan-dimension">
              {DIMENSIONS.map((dimension) => (
                <option key={dimension} value={dimension} title={DIMENSION_DESCRIPTIONS[dimension]}>
                  {DIMENSION_LABELS[dimension]}
                </option>
              ))}
            </select>
            <FieldError field="dimension" message={fieldError('dimension')} />
          </label>
          {draft.dimension === 'mixed' ? (
            <label>
              Bytes weight %
              <input
                className="limit-input narrow"
                inputMode="decimal"
                value={draft.bytesWeightPct}
                onChange={(event) => edit({ bytesWeightPct: event.target.value })}
                aria-invalid={Boolean(fieldError('bytesWeight'))}
                data-testid="plan-bytes-weight"
              />
              <FieldError field="bytesWeight" message={fieldError('bytesWeight')} />
            </label>
          ) : null}
          <label>
            Threshold % of the mean
            <input
              className="limit-input narrow"
              inputMode="decimal"
              value={draft.thresholdPct}
              onChange={(event) => edit({ thresholdPct: event.target.value })}
              aria-invalid={Boolean(fieldError('thresholdPct'))}
              data-testid="plan-threshold"
            />
            <FieldError field="thresholdPct" message={fieldError('thresholdPct')} />
          </label>
          <label>
            Max bytes to move
            <span className="storage-input">
              <input
                className="limit-input"
                inputMode="decimal"
                placeholder="no cap"
                value={draft.maxAmount}
                onChange={(event) => edit({ maxAmount: event.target.value })}
                aria-invalid={Boolean(fieldError('maxBytes'))}
                data-testid="plan-max-bytes"
              />
              <select value={draft.maxUnit} onChange={(event) => edit({ maxUnit: event.target.value as StorageUnit })} aria-label="Max bytes unit">
                {STORAGE_UNITS.map((unit) => (
                  <option key={unit} value={unit}>
                    {unit}
                  </option>
                ))}
              </select>
            </span>
            <FieldError field="maxBytes" message={fieldError('maxBytes')} />
          </label>
          <button type="submit" disabled={mutation.isPending} data-testid="plan-button">
            {mutation.isPending ? 'Planning…' : 'Plan'}
          </button>
        </div>
        <p className="subtle mode-hint">{MODE_HINTS[draft.mode]}</p>
        {serverError && !serverField ? (
          <div className="field-error" role="alert" data-testid="plan-error">
            {serverError.message}
          </div>
        ) : null}
      </form>
      {plan ? <PlanResult plan={plan.plan} plannedAt={plan.plannedAt} canAdminister={canAdminister} refreshing={mutation.isPending} /> : null}
    </section>
  );
}
