'use client';

import { useMemo, useState } from 'react';
import { ApiClientError } from '@/lib/api/client';
import { useTierImpactQuery } from '@/lib/queries/tiers/tier-impact-query';
import { useUpdateTierMutation } from '@/lib/queries/tiers/update-tier-mutation';
import type { Limits, TierLimits, TierUpdate } from '@/lib/tenants/tenant-model';
import {
  STORAGE_UNITS,
  asLimitField,
  describeLimitChanges,
  draftFromLimits,
  impactBreakdown,
  impactSentence,
  limitsEqual,
  orderConflictSentence,
  parseTierDraft,
  type LimitField,
  type StorageUnit,
  type TierDraft,
} from '@/lib/tenants/tier-form-view';
import { orderConflicts } from '@/lib/tenants/tier-validation';
import { useDebouncedValue } from './use-debounced-value';

/** 400 ms: a preview per pause in typing, not per key; the impact query scans the tier's tenants. */
export const IMPACT_DEBOUNCE_MS = 400;

type CountField = Exclude<LimitField, 'maxStorageBytes'>;

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <div className="field-error" id={id} role="alert">
      {message}
    </div>
  ) : null;
}

/**
 * One tier: its four inputs, the preview of what saving would do, order
 * conflicts with the other tiers (saved only when confirmed), and Save.
 * Client checks mirror the server's; a 400 from the server lands next to the
 * input it names.
 */
export function TierRowEditor({ saved, tiers }: { saved: TierLimits; tiers: TierLimits[] }) {
  const tier = saved.tier;
  const [draft, setDraft] = useState<TierDraft>(() => draftFromLimits(saved));
  const [baseline, setBaseline] = useState(saved.updatedAt);
  const [confirmOrder, setConfirmOrder] = useState(false);
  const [result, setResult] = useState<TierUpdate | null>(null);
  const mutation = useUpdateTierMutation(tier);

  // Saved again (here or by another admin): the inputs show the limits now in force.
  if (saved.updatedAt !== baseline) {
    setBaseline(saved.updatedAt);
    setDraft(draftFromLimits(saved));
    setConfirmOrder(false);
  }

  const { limits, errors } = parseTierDraft(draft, saved);
  const changed = limits !== null && !limitsEqual(limits, saved);
  const conflicts = limits && changed ? orderConflicts(tier, limits, tiers) : [];

  const limitsKey = changed && limits ? JSON.stringify(limits) : null;
  const previewKey = useDebouncedValue(limitsKey, IMPACT_DEBOUNCE_MS);
  const previewLimits = useMemo(() => (previewKey ? (JSON.parse(previewKey) as Limits) : null), [previewKey]);
  const impact = useTierImpactQuery(tier, previewLimits);

  const serverError = mutation.error;
  const serverField = serverError instanceof ApiClientError ? asLimitField(serverError.field) : null;
  const fieldError = (field: LimitField) => errors[field] ?? (serverField === field ? serverError!.message : undefined);

  function edit(patch: Partial<TierDraft>) {
    setDraft((current) => ({ ...current, ...patch }));
    setResult(null);
    mutation.reset();
  }

  function save() {
    if (!limits) return;
    mutation.mutate({ ...limits, ...(conflicts.length > 0 && confirmOrder ? { confirmOrder: true } : {}) }, { onSuccess: (update) => setResult(update) });
  }

  const countInput = (field: CountField, label: string) => (
    <td>
      <input
        inputMode="numeric"
        className="limit-input"
        value={draft[field]}
        onChange={(event) => edit({ [field]: event.target.value })}
        aria-label={`${tier} ${label}`}
        aria-invalid={fieldError(field) ? true : undefined}
        aria-describedby={fieldError(field) ? `${tier}-${field}-error` : undefined}
      />
      <FieldError id={`${tier}-${field}-error`} message={fieldError(field)} />
    </td>
  );

  const previewId = `${tier}-preview`;
  return (
    <tbody className="tier-block" data-testid="tier-row" data-tier={tier}>
      <tr>
        <th scope="row">
          {tier}
          <div className="subtle tier-updated" title={saved.updatedAt}>
            {saved.updatedBy ? `by ${saved.updatedBy}` : 'as seeded'}
          </div>
        </th>
        {countInput('maxConnections', 'connections')}
        {countInput('maxApiCallsPerHour', 'API calls per hour')}
        <td>
          <span className="storage-input">
            <input
              inputMode="decimal"
              className="limit-input"
              value={draft.storageAmount}
              onChange={(event) => edit({ storageAmount: event.target.value })}
              aria-label={`${tier} storage`}
              aria-invalid={fieldError('maxStorageBytes') ? true : undefined}
              aria-describedby={fieldError('maxStorageBytes') ? `${tier}-maxStorageBytes-error` : undefined}
            />
            <select value={draft.storageUnit} onChange={(event) => edit({ storageUnit: event.target.value as StorageUnit })} aria-label={`${tier} storage unit`}>
              {STORAGE_UNITS.map((unit) => (
                <option key={unit} value={unit}>
                  {unit}
                </option>
              ))}
            </select>
          </span>
          <FieldError id={`${tier}-maxStorageBytes-error`} message={fieldError('maxStorageBytes')} />
        </td>
        {countInput('maxUsers', 'users')}
        <td>
          <button
            type="button"
            onClick={save}
            disabled={!changed || mutation.isPending || (conflicts.length > 0 && !confirmOrder)}
            aria-describedby={previewId}
          >
            {mutation.isPending ? 'Saving…' : `Save ${tier}`}
          </button>{' '}
          {changed ? (
            <button type="button" className="link" onClick={() => edit(draftFromLimits(saved))}>
              Undo
            </button>
          ) : null}
        </td>
      </tr>
      <tr className="tier-status">
        <td colSpan={6} id={previewId}>
          {changed ? <ImpactLine impact={impact} waiting={previewKey !== limitsKey} /> : null}
          {conflicts.length > 0 && limits ? (
            <div className="order-conflicts" data-testid="order-conflicts">
              <ul className="problems">
                {conflicts.map((conflict) => (
                  <li key={`${conflict.field}-${conflict.otherTier}`}>{orderConflictSentence(tier, limits, conflict)}</li>
                ))}
              </ul>
              <label className="checkbox">
                <input type="checkbox" checked={confirmOrder} onChange={(event) => setConfirmOrder(event.target.checked)} />
                save anyway: {tier} would be out of order with the tiers above or below it
              </label>
            </div>
          ) : null}
          {serverError && !serverField ? (
            <p className="field-error" role="alert">
              {serverError instanceof ApiClientError && serverError.field ? `${serverError.field}: ` : ''}
              {serverError.message}
            </p>
          ) : null}
          {result ? (
            <p className="ok-text" role="status" data-testid="tier-saved">
              Saved {tier}: {describeLimitChanges(result.before, result.after).join(', ') || 'no change'}
            </p>
          ) : null}
        </td>
      </tr>
    </tbody>
  );
}

function ImpactLine({ impact, waiting }: { impact: ReturnType<typeof useTierImpactQuery>; waiting: boolean }) {
  if (impact.data) {
    const breakdown = impactBreakdown(impact.data);
    return (
      <p className={`impact${waiting || impact.isPlaceholderData ? ' refreshing' : ''}`} data-testid="tier-impact" aria-live="polite">
        {impactSentence(impact.data)}
        {breakdown ? <span className="subtle"> · {breakdown}</span> : null}
      </p>
    );
  }
  if (impact.error) return <p className="subtle">preview unavailable: {impact.error.message}</p>;
  return <p className="subtle">checking which tenants the new limits would affect…</p>;
}
