'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { ApiClientError } from '@/lib/api/client';
import { useCreateTenantMutation } from '@/lib/queries/balance/create-tenant-mutation';
import type { BalanceReport, CreatedTenant } from '@/lib/rebalance/rebalance-model';
import { withoutFieldPrefix } from '@/lib/rebalance/planner-form-view';
import { TENANT_LAYOUTS, TIERS, type TenantLayout, type Tier } from '@/lib/tenants/tenant-model';
import { FieldError } from './FieldError';
import {
  EMPTY_NEW_TENANT,
  MAX_TENANT_NAME_CHARS,
  newTenantFieldOf,
  placementShardChoices,
  placementText,
  readNewTenantDraft,
  type NewTenantDraft,
  type NewTenantErrors,
} from './new-tenant-view';

/**
 * Admin only (the API refuses others too): create a tenant. Without a shard
 * the placement rule chooses; the answer says where it went and why. The
 * schema layout also creates the tenant's schema on its shard. Audited.
 */
export function NewTenantForm({ shards }: { shards: BalanceReport['shards'] }) {
  const mutation = useCreateTenantMutation();
  const [draft, setDraft] = useState<NewTenantDraft>(EMPTY_NEW_TENANT);
  const [errors, setErrors] = useState<NewTenantErrors>({});
  const [created, setCreated] = useState<CreatedTenant | null>(null);
  const choices = placementShardChoices(shards);

  const serverError = mutation.error;
  const serverField = serverError instanceof ApiClientError ? newTenantFieldOf(serverError.field) : null;
  const fieldError = (field: keyof NewTenantErrors) => errors[field] ?? (serverField === field ? withoutFieldPrefix(serverError!.message, (serverError as ApiClientError).field) : undefined);

  function edit(patch: Partial<NewTenantDraft>) {
    setDraft((previous) => ({ ...previous, ...patch }));
    setErrors({});
    if (mutation.error) mutation.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const read = readNewTenantDraft(draft, shards);
    if (read.errors) {
      setErrors(read.errors);
      return;
    }
    setCreated(null);
    mutation.mutate(read.request, {
      onSuccess: (tenant) => {
        setCreated(tenant);
        setDraft((previous) => ({ ...previous, name: '' }));
      },
    });
  }

  return (
    <form className="new-tenant" onSubmit={submit} noValidate data-testid="new-tenant-form" aria-label="New tenant">
      <h3>New tenant</h3>
      <div className="control-row">
        <label>
          Name
          <input
            value={draft.name}
            maxLength={MAX_TENANT_NAME_CHARS}
            onChange={(event) => edit({ name: event.target.value })}
            aria-invalid={Boolean(fieldError('name'))}
            data-testid="new-tenant-name"
          />
          <FieldError field="name" message={fieldError('name')} />
        </label>
        <label>
          Tier
          <select value={draft.tier} onChange={(event) => edit({ tier: event.target.value as Tier })} data-testid="new-tenant-tier">
            {TIERS.map((tier) => (
              <option key={tier} value={tier}>
                {tier}
              </option>
            ))}
          </select>
          <FieldError field="tier" message={fieldError('tier')} />
        </label>
        <label>
          Layout
          <select value={draft.layout} onChange={(event) => edit({ layout: event.target.value as TenantLayout })} data-testid="new-tenant-layout">
            {TENANT_LAYOUTS.map((layout) => (
              <option key={layout} value={layout}>
                {layout === 'shared' ? 'shared tables' : 'schema of its own'}
              </option>
            ))}
          </select>
          <FieldError field="layout" message={fieldError('layout')} />
        </label>
        <label>
          Shard
          <select value={draft.shardId} onChange={(event) => edit({ shardId: event.target.value })} data-testid="new-tenant-shard">
            <option value="">placement rule chooses</option>
            {choices.map((choice) => (
              <option key={choice.shardId} value={choice.shardId}>
                {choice.label}
              </option>
            ))}
          </select>
          <FieldError field="shardId" message={fieldError('shardId')} />
        </label>
        <button type="submit" disabled={mutation.isPending} data-testid="create-tenant">
          {mutation.isPending ? 'Creating…' : 'Create tenant'}
        </button>
      </div>
      {serverError && !serverField ? (
        <p className="field-error" role="alert">
          {serverError.message}
        </p>
      ) : null}
      {created ? (
        <p className="ok-text" role="status" data-testid="placement-result" data-tenant-id={created.tenantId} data-shard-id={created.shardId} data-chosen-by={created.placement.chosenBy}>
          {placementText(created)}{' '}
          <Link href={`/tenants/${encodeURIComponent(created.tenantId)}`}>Open {created.name}</Link>
          {created.schemaName ? <span className="subtle"> · schema {created.schemaName}</span> : null}
        </p>
      ) : null}
    </form>
  );
}
