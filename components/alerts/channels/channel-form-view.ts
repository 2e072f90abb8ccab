import type { BadgeTone } from '@/components/ui/StatusBadge';
import type { ChannelKind, DeliveryStatus, DeliveryTransition, NotificationChannel, NotificationChannelInput } from '@/lib/alerts/alert-model';
import { CHANNEL_NAME_MAX, channelUrlProblem } from '@/lib/alerts/channel-validation';
import { formatAge } from '@/lib/history/worker-status-model';

/**
 * The notification settings' form and log, as pure functions: the draft an
 * admin types, what of it goes to the API, the checks the server would make
 * (so the form says what is wrong before a round trip), and the log's words.
 */

export interface ChannelDraft {
  name: string;
  kind: ChannelKind;
  /** Empty when editing: keep the saved URL (the browser never gets it). */
  url: string;
  enabled: boolean;
  notifyOnAck: boolean;
}

export type DraftField = 'name' | 'kind' | 'url';
export type DraftProblems = Partial<Record<DraftField, string>>;

export const EMPTY_DRAFT: ChannelDraft = { name: '', kind: 'webhook', url: '', enabled: true, notifyOnAck: false };

export const KIND_LABELS: Record<ChannelKind, string> = {
  webhook: 'Webhook (JSON)',
  slack: 'Slack incoming webhook',
};

export function draftFromChannel(channel: NotificationChannel): ChannelDraft {
  return { name: channel.name, kind: channel.kind, url: '', enabled: channel.enabled, notifyOnAck: channel.notifyOnAck };
}

/** The server's checks, run as the admin types: a new channel needs a URL; an edit checks one only when typed. */
export function draftProblems(draft: ChannelDraft, mode: 'create' | 'edit'): DraftProblems {
  const problems: DraftProblems = {};
  const name = draft.name.trim();
  if (name.length === 0) problems.name = 'a name is needed';
  else if (name.length > CHANNEL_NAME_MAX) problems.name = `at most ${CHANNEL_NAME_MAX} characters`;
  const url = draft.url.trim();
  if (url.length === 0) {
    if (mode === 'create') problems.url = 'the webhook URL is needed';
  } else {
    const problem = channelUrlProblem(draft.kind, url);
    if (problem) problems.url = problem;
  }
  return problems;
}

export function createInput(draft: ChannelDraft): NotificationChannelInput {
  return { name: draft.name.trim(), kind: draft.kind, url: draft.url.trim(), enabled: draft.enabled, notifyOnAck: draft.notifyOnAck };
}

/** What changed against the saved channel (null: nothing); an empty URL is left out, so the saved one stays. */
export function updatePatch(draft: ChannelDraft, saved: NotificationChannel): Partial<NotificationChannelInput> | null {
  const patch: Partial<NotificationChannelInput> = {};
  if (draft.name.trim() !== saved.name) patch.name = draft.name.trim();
  if (draft.kind !== saved.kind) patch.kind = draft.kind;
  if (draft.url.trim() !== '') patch.url = draft.url.trim();
  if (draft.enabled !== saved.enabled) patch.enabled = draft.enabled;
  if (draft.notifyOnAck !== saved.notifyOnAck) patch.notifyOnAck = draft.notifyOnAck;
  return Object.keys(patch).length > 0 ? patch : null;
}

export function asDraftField(field: string | undefined): DraftField | null {
  return field === 'name' || field === 'kind' || field === 'url' ? field : null;
}

/** The log's length: the API's DELIVERY_LOG_LIMIT (lib/alerts/deliveries.ts, server-only). */
export const DELIVERY_LOG_LIMIT_SHOWN = 50;

export const DELIVERY_STATUS_TONE: Record<DeliveryStatus, BadgeTone> = { sent: 'ok', pending: 'warn', failed: 'bad' };

export const TRANSITION_LABELS: Record<DeliveryTransition, string> = {
  fired: 'fired',
  escalated: 'escalated',
  deescalated: 'de-escalated',
  resolved: 'resolved',
  acknowledged: 'acknowledged',
  test: 'test message',
};

/** "3 min ago", or "never". */
export function formatWhen(iso: string | null, now: Date): string {
  if (iso === null) return 'never';
  const seconds = Math.max(0, (now.getTime() - new Date(iso).getTime()) / 1000);
  return `${formatAge(seconds)} ago`;
}
