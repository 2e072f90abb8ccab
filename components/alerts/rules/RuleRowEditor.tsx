'use client';

import { useState } from 'react';
import type { AlertRule } from '@/lib/alerts/alert-model';
import type { AlertRuleMetricInfo, AlertRuleUpdate, RuleField } from '@/lib/alerts/rule-validation';
import { ApiClientError } from '@/lib/api/client';
import { useDeleteAlertRuleMutation } from '@/lib/queries/alerts/rules/delete-alert-rule-mutation';
import { useUpdateAlertRuleMutation } from '@/lib/queries/alerts/rules/update-alert-rule-mutation';
import {
  asRuleField,
  draftFromRule,
  formatThresholdValue,
  inputUnitOf,
  patchFromDraft,
  scopeLabel,
  type RuleDraft,
  type ThresholdField,
} from './rule-form-view';

function FieldError({ id, field, message }: { id: string; field: RuleField; message: string | undefined }) {
  return message ? (
    <div className="field-error" id={id} role="alert" data-testid="rule-error" data-field={field}>
      {message}
    </div>
  ) : null;
}

/**
 * One rule: warning, critical, `for` and enabled, saved on their own. Only
 * changed fields are sent; the server checks ranges and order against the
 * merged rule and its 400 lands next to the input it names.
 */
export function RuleRowEditor({ saved, metric }: { saved: AlertRule; metric: AlertRuleMetricInfo }) {
  const [draft, setDraft] = useState<RuleDraft>(() => draftFromRule(saved, metric.unit));
  const [baseline, setBaseline] = useState(saved.updatedAt);
  const [result, setResult] = useState<AlertRuleUpdate | null>(null);
  const update = useUpdateAlertRuleMutation(saved.id);
  const remove = useDeleteAlertRuleMutation(saved.id);

  // Saved again (here or by another admin): the inputs show the rule now in force.
  if (saved.updatedAt !== baseline) {
    setBaseline(saved.updatedAt);
    setDraft(draftFromRule(saved, metric.unit));
  }

  const { patch, errors } = patchFromDraft(draft, saved, metric.unit);
  const changed = Object.keys(patch).length > 0 || Object.keys(errors).length > 0;
  const serverError = update.error ?? remove.error;
  const serverField = serverError instanceof ApiClientError ? asRuleField(serverError.field) : null;
  const fieldError = (field: RuleField) => errors[field] ?? (update.error && serverField === field ? update.error.message : undefined);
  const idBase = `rule-${saved.id}`;
  const scope = scopeLabel(saved);
  const { label: unitLabel } = inputUnitOf(metric.unit);
  const nodeDown = metric.unit === 'bool';

  function edit(change: Partial<RuleDraft>) {
    setDraft((current) => ({ ...current, ...change }));
    setResult(null);
    update.reset();
  }

  function save() {
    if (Object.keys(errors).length > 0) return;
    update.mutate(patch, { onSuccess: (change) => setResult(change) });
  }

  const thresholdCell = (field: ThresholdField) => (
    <td>
      {nodeDown ? (
        <span className="subtle">{field === 'critical' ? 'node does not answer' : '—'}</span>
      ) : (
        <>
          <span className="storage-input" style={{ alignItems: 'center' }}>
            <input
              inputMode="decimal"
              className="limit-input"
              value={draft[field]}
              placeholder="none"
              onChange={(event) => edit({ [field]: event.target.value })}
              aria-label={`${metric.label}, ${scope}: ${field} (${unitLabel})`}
              aria-invalid={fieldError(field) ? true : undefined}
              aria-describedby={fieldError(field) ? `${idBase}-${field}-error` : undefined}
              data-testid={`rule-${field}`}
            />
            <span className="subtle">{unitLabel}</span>
          </span>
          <FieldError id={`${idBase}-${field}-error`} field={field} message={fieldError(field)} />
        </>
      )}
    </td>
  );

  return (
    <>
      <tr data-testid="rule-row" data-rule-id={saved.id} data-metric={saved.metric} data-scope={saved.scope}>
        <th scope="row">
          {scope}
          <div className="subtle tier-updated" title={saved.updatedAt}>
            {saved.updatedBy && saved.updatedBy !== 'seed' ? `by ${saved.updatedBy}` : 'as seeded'}
          </div>
        </th>
        {thresholdCell('warning')}
        {thresholdCell('critical')}
        <td>
          <input
            inputMode="numeric"
            className="limit-input"
            value={draft.forSeconds}
            onChange={(event) => edit({ forSeconds: event.target.value })}
            aria-label={`${metric.label}, ${scope}: for (seconds)`}
            aria-invalid={fieldError('forSeconds') ? true : undefined}
            aria-describedby={fieldError('forSeconds') ? `${idBase}-forSeconds-error` : undefined}
            data-testid="rule-for"
          />
          <FieldError id={`${idBase}-forSeconds-error`} field="forSeconds" message={fieldError('forSeconds')} />
        </td>
        <td>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(event) => edit({ enabled: event.target.checked })}
              aria-label={`${metric.label}, ${scope}: enabled`}
              data-testid="rule-enabled"
            />
            {draft.enabled ? 'on' : 'off'}
          </label>
          <FieldError id={`${idBase}-enabled-error`} field="enabled" message={fieldError('enabled')} />
        </td>
        <td>
          <button type="button" onClick={save} disabled={!changed || update.isPending} data-testid="rule-save">
            {update.isPending ? 'Saving…' : 'Save'}
          </button>{' '}
          {changed ? (
            <button type="button" className="link" onClick={() => edit(draftFromRule(saved, metric.unit))}>
              Undo
            </button>
          ) : null}
          {saved.scope !== 'fleet' ? (
            <>
              {' '}
              <button type="button" className="link" onClick={() => remove.mutate()} disabled={remove.isPending} data-testid="rule-remove">
                {remove.isPending ? 'Removing…' : 'Remove'}
              </button>
            </>
          ) : null}
        </td>
      </tr>
      <tr className="tier-status">
        <td colSpan={6}>
          {serverError && !(update.error && serverField) ? (
            <p className="field-error" role="alert" data-testid="rule-error" data-field={serverError instanceof ApiClientError ? serverError.field : undefined}>
              {serverError.message}
            </p>
          ) : null}
          {result ? (
            <p className="ok-text" role="status" data-testid="rule-saved">
              Saved {scope}: {savedSentence(result, metric)}
            </p>
          ) : null}
        </td>
      </tr>
    </>
  );
}

function savedSentence({ before, after }: AlertRuleUpdate, metric: AlertRuleMetricInfo): string {
  const parts: string[] = [];
  for (const field of ['warning', 'critical'] as const) {
    if (before[field] !== after[field]) parts.push(`${field} ${formatThresholdValue(before[field], metric.unit)} → ${formatThresholdValue(after[field], metric.unit)}`);
  }
  if (before.forSeconds !== after.forSeconds) parts.push(`for ${before.forSeconds} s → ${after.forSeconds} s`);
  if (before.enabled !== after.enabled) parts.push(after.enabled ? 'enabled' : 'disabled');
  return parts.join(', ') || 'no change';
}
