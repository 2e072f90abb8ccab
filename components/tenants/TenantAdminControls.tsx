'use client';

import { useState } from 'react';
import { ApiClientError } from '@/lib/api/client';
import { useUpdateTenantMutation, type TenantUpdateVariables } from '@/lib/queries/tenants/update-tenant-mutation';
import { TIERS, type TenantDetail, type Tier } from '@/lib/tenants/tenant-model';

function errorText(error: Error): string {
  return error instanceof ApiClientError && error.field ? `${error.field}: ${error.message}` : error.message;
}

/**
 * Admin only (the API refuses others too): change the tier behind a
 * confirmation, pin or unpin. Each change is audited server-side; the page
 * refetches the tenant and its usage (new limits) when it lands.
 */
export function TenantAdminControls({ tenant }: { tenant: TenantDetail }) {
  const mutation = useUpdateTenantMutation(tenant.id);
  const [tier, setTier] = useState<Tier>(tenant.tier);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  function apply(update: TenantUpdateVariables, message: string) {
    setDone(null);
    mutation.mutate(update, {
      onSuccess: () => setDone(message),
      onSettled: () => setConfirming(false),
    });
  }

  return (
    <div className="admin-controls" data-testid="tenant-admin">
      <h3>Admin</h3>
      <div className="control-row">
        <label>
          Tier
          <select value={tier} onChange={(event) => setTier(event.target.value as Tier)} disabled={mutation.isPending} data-testid="tier-select">
            {TIERS.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        {confirming ? (
          <span className="confirm" role="group" aria-label="confirm tier change">
            Move {tenant.name} from {tenant.tier} to {tier}? Its limits become the {tier} tier&apos;s at once.{' '}
            <button className="danger" disabled={mutation.isPending} onClick={() => apply({ tier }, `tier changed: ${tenant.tier} → ${tier}`)}>
              Yes, change tier
            </button>{' '}
            <button className="link" onClick={() => setConfirming(false)}>
              No
            </button>
          </span>
        ) : (
          <button type="button" className="small" disabled={tier === tenant.tier || mutation.isPending} onClick={() => setConfirming(true)}>
            Change tier…
          </button>
        )}
        <button
          type="button"
          className="small"
          disabled={mutation.isPending}
          onClick={() => apply({ pinned: !tenant.pinned }, tenant.pinned ? 'unpinned: a rebalance may move it' : 'pinned: a rebalance will not move it')}
          data-testid="pin-toggle"
        >
          {tenant.pinned ? 'Unpin' : 'Pin'}
        </button>
      </div>
      {mutation.error ? (
        <p className="field-error" role="alert" data-field={mutation.error instanceof ApiClientError ? mutation.error.field : undefined}>
          {errorText(mutation.error)}
        </p>
      ) : null}
      {done && !mutation.error ? (
        <p className="ok-text" role="status">
          {done}
        </p>
      ) : null}
    </div>
  );
}
