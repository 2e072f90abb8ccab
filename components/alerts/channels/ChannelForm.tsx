'use client';

import { useState } from 'react';
import { ApiClientError } from '@/lib/api/client';
import { CHANNEL_KINDS, type ChannelKind } from '@/lib/alerts/alert-model';
import { asDraftField, draftProblems, KIND_LABELS, type ChannelDraft, type DraftField } from './channel-form-view';

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <div className="field-error" id={id} role="alert">
      {message}
    </div>
  ) : null;
}

/**
 * The fields of a channel, for adding one (URL required) or editing one (URL
 * empty = keep the saved one, which the browser never sees). The server's
 * checks run as the admin types; a 400 from the server lands next to the
 * field it names.
 */
export function ChannelForm({
  idPrefix,
  initial,
  mode,
  pending,
  serverError,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  idPrefix: string;
  initial: ChannelDraft;
  mode: 'create' | 'edit';
  pending: boolean;
  serverError: Error | null;
  submitLabel: string;
  onSubmit: (draft: ChannelDraft) => void;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState(false);
  const problems = draftProblems(draft, mode);
  const serverField = serverError instanceof ApiClientError ? asDraftField(serverError.field) : null;
  const fieldError = (field: DraftField) => (touched ? problems[field] : undefined) ?? (serverField === field ? serverError!.message : undefined);
  const edit = (patch: Partial<ChannelDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const id = (field: string) => `${idPrefix}-${field}`;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length === 0) onSubmit(draft);
  }

  return (
    <form className="channel-form" onSubmit={submit} noValidate data-testid={`channel-form-${mode}`}>
      <label htmlFor={id('name')}>
        Name
        <input id={id('name')} value={draft.name} onChange={(event) => edit({ name: event.target.value })} aria-invalid={fieldError('name') ? true : undefined} aria-describedby={id('name-error')} data-testid="channel-name" />
        <FieldError id={id('name-error')} message={fieldError('name')} />
      </label>
      <label htmlFor={id('kind')}>
        Kind
        <select id={id('kind')} value={draft.kind} onChange={(event) => edit({ kind: event.target.value as ChannelKind })} data-testid="channel-kind">
          {CHANNEL_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {KIND_LABELS[kind]}
            </option>
          ))}
        </select>
        <FieldError id={id('kind-error')} message={fieldError('kind')} />
      </label>
      <label htmlFor={id('url')} className="channel-url">
        URL
        <input
          id={id('url')}
          type="url"
          autoComplete="off"
          value={draft.url}
          placeholder={mode === 'edit' ? 'leave empty to keep the saved URL' : 'https://hooks.example.com/…'}
          onChange={(event) => edit({ url: event.target.value })}
          aria-invalid={fieldError('url') ? true : undefined}
          aria-describedby={id('url-error')}
          data-testid="channel-url"
        />
        <FieldError id={id('url-error')} message={fieldError('url')} />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={draft.enabled} onChange={(event) => edit({ enabled: event.target.checked })} data-testid="channel-enabled" /> enabled
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={draft.notifyOnAck} onChange={(event) => edit({ notifyOnAck: event.target.checked })} data-testid="channel-notify-on-ack" /> also
        when someone acknowledges
      </label>
      <div className="channel-form-actions">
        <button type="submit" disabled={pending} data-testid="channel-submit">
          {pending ? 'Saving…' : submitLabel}
        </button>{' '}
        {onCancel ? (
          <button type="button" className="link" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      {serverError && !serverField ? (
        <p className="field-error" role="alert" data-testid="channel-form-error">
          {serverError.message}
        </p>
      ) : null}
    </form>
  );
}
