import { describe, expect, it } from 'vitest';
import { createInput, draftFromChannel, draftProblems, EMPTY_DRAFT, formatWhen, updatePatch } from '@/components/alerts/channels/channel-form-view';
import type { NotificationChannel } from '@/lib/alerts/alert-model';

const saved: NotificationChannel = {
  id: '3',
  name: 'on-call',
  kind: 'webhook',
  urlHost: 'hooks.example.com',
  enabled: true,
  notifyOnAck: false,
  failing: false,
  consecutiveFailures: 0,
  lastSuccessAt: null,
  lastFailureAt: null,
  lastError: null,
  updatedAt: '2026-12-01T10:00:00.000Z',
};

describe('notification channel form', () => {
  it('needs a name and a usable URL to add a channel, as the server does', () => {
    expect(draftProblems(EMPTY_DRAFT, 'create')).toEqual({ name: 'a name is needed', url: 'the webhook URL is needed' });
    expect(draftProblems({ ...EMPTY_DRAFT, name: 'x', url: 'hooks.example.com' }, 'create').url).toMatch(/absolute/);
    expect(draftProblems({ ...EMPTY_DRAFT, name: 'x', kind: 'slack', url: 'http://hooks.slack.com/x' }, 'create').url).toMatch(/https/);
    expect(draftProblems({ ...EMPTY_DRAFT, name: 'x', url: 'http://127.0.0.1:9000/hook' }, 'create')).toEqual({});
  });

  it('starts an edit with an empty URL that keeps the saved one', () => {
    const draft = draftFromChannel(saved);
    expect(draft.url).toBe('');
    expect(draftProblems(draft, 'edit')).toEqual({});
    expect(updatePatch(draft, saved)).toBeNull();
    expect(updatePatch({ ...draft, enabled: false }, saved)).toEqual({ enabled: false });
    expect(updatePatch({ ...draft, name: ' pager ', url: ' https://new.example.com/x ' }, saved)).toEqual({ name: 'pager', url: 'https://new.example.com/x' });
  });

  it('sends a new channel trimmed', () => {
    expect(createInput({ name: ' ops ', kind: 'slack', url: ' https://hooks.slack.com/x ', enabled: true, notifyOnAck: true })).toEqual({
      name: 'ops',
      kind: 'slack',
      url: 'https://hooks.slack.com/x',
      enabled: true,
      notifyOnAck: true,
    });
  });

  it('says how long ago, or never', () => {
    const now = new Date('2026-12-01T10:10:00.000Z');
    expect(formatWhen(null, now)).toBe('never');
    expect(formatWhen('2026-12-01T10:09:30.000Z', now)).toBe('30 s ago');
    expect(formatWhen('2026-12-01T10:00:00.000Z', now)).toBe('10 min ago');
  });
});
