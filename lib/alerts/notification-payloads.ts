import { formatMetricValue, formatSeconds } from '@/lib/format';
import { findAlertMetric } from './alert-metrics';
import type { ChannelKind, EventState, Severity, TransitionKind, WebhookPayload } from './alert-model';

/**
 * The bodies notifications carry, built from an event and one of its
 * transitions. Pure (the console's public URL is passed in). A generic
 * webhook gets WebhookPayload (JSON for machines); a Slack-compatible
 * incoming webhook gets `{ text }`: one line an operator reads on a phone.
 * Unit-tested.
 */

/** The event as the message needs it (an alert_events row). */
export interface PayloadEvent {
  id: string;
  metric: string;
  shardId: string;
  nodeId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  startedAt: string;
  resolvedAt: string | null;
  peakSeverity: Severity;
  peakValue: number | null;
}

/** The transition the message is about (an alert_event_transitions row). */
export interface PayloadTransition {
  kind: TransitionKind;
  /** The event's severity after the transition. */
  severity: Severity;
  /** The metric's value at the transition. */
  value: number | null;
  at: string;
  /** Who acknowledged (acknowledged transitions). */
  actor: string | null;
}

export interface SlackPayload {
  text: string;
}

export type ChannelPayload = WebhookPayload | SlackPayload;

function consoleBase(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}

/** The event on the console's alerts page. */
export function consoleEventLink(publicUrl: string, eventId: string): string {
  return `${consoleBase(publicUrl)}/alerts?event=${encodeURIComponent(eventId)}`;
}

/** Where the test message points: the channel settings the admin is looking at. */
export function consoleChannelsLink(publicUrl: string): string {
  return `${consoleBase(publicUrl)}/settings/notifications`;
}

/** A message is about a resolved event when it says so, or acknowledges one that has already resolved. */
function stateAfter(event: PayloadEvent, transition: PayloadTransition): EventState {
  if (transition.kind === 'resolved') return 'resolved';
  return transition.kind === 'acknowledged' && event.resolvedAt !== null ? 'resolved' : 'firing';
}

/** The generic webhook's JSON body: the event as it stood at the transition. */
export function buildWebhookPayload(event: PayloadEvent, transition: PayloadTransition, dedupeKey: string, publicUrl: string): WebhookPayload {
  const state = stateAfter(event, transition);
  return {
    event: {
      id: event.id,
      state,
      severity: transition.severity,
      metric: event.metric,
      shardId: event.shardId,
      nodeId: event.nodeId,
      tenantId: event.tenantId,
      startedAt: event.startedAt,
      resolvedAt: state === 'resolved' ? (event.resolvedAt ?? transition.at) : null,
      value: transition.value,
    },
    transition: transition.kind,
    dedupeKey,
    console: consoleEventLink(publicUrl, event.id),
  };
}

/** Slack mrkdwn: &, < and > are control characters (links are <url|label>). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** "10:02 UTC", with the date when the time is on another day than `reference`. */
export function formatUtcTime(iso: string, reference: string): string {
  const at = new Date(iso).toISOString();
  const sameDay = at.slice(0, 10) === new Date(reference).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${at.slice(0, 10)} `}${at.slice(11, 16)} UTC`;
}

/** A value in its metric's unit ("12.3 s", "85 %"); null for up/down metrics, unknown metrics and no value. */
function describeValue(metric: string, value: number | null): string | null {
  const spec = findAlertMetric(metric);
  if (value === null || !spec || spec.unit === 'bool') return null;
  return formatMetricValue(value, spec.unit);
}

/** What fired, in the operator's words: "Replica lag 12.3 s", "Node down". */
function describeMetric(metric: string, value: number | null): string {
  const label = findAlertMetric(metric)?.label ?? metric;
  const formatted = describeValue(metric, value);
  return formatted === null ? label : `${label} ${formatted}`;
}

/** Where: "shard-1 / shard-1-replica-1", "shard-1 PgBouncer", "tenant acme on shard-1". */
export function describeTarget(event: PayloadEvent): string {
  if (event.tenantId !== null) return `tenant ${event.tenantName ?? event.tenantId} on ${event.shardId}`;
  if (event.nodeId !== null) return `${event.shardId} / ${event.nodeId}`;
  return findAlertMetric(event.metric)?.target === 'pool' ? `${event.shardId} PgBouncer` : event.shardId;
}

const SEVERITY_EMOJI: Record<Severity, string> = { warning: ':warning:', critical: ':red_circle:' };

function slackLine(event: PayloadEvent, transition: PayloadTransition): string {
  const what = `${describeMetric(event.metric, transition.value)} on ${describeTarget(event)}`;
  const since = `firing since ${formatUtcTime(event.startedAt, transition.at)}`;
  const level = transition.severity.toUpperCase();
  switch (transition.kind) {
    case 'fired':
      return `${SEVERITY_EMOJI[transition.severity]} ${level} ${what} — ${since}`;
    case 'escalated':
      return `${SEVERITY_EMOJI[transition.severity]} ${level} ${what} — escalated, ${since}`;
    case 'deescalated':
      return `${SEVERITY_EMOJI[transition.severity]} ${level} ${what} — down from critical, ${since}`;
    case 'resolved': {
      const end = event.resolvedAt ?? transition.at;
      const seconds = Math.max(0, (new Date(end).getTime() - new Date(event.startedAt).getTime()) / 1000);
      const peakValue = describeValue(event.metric, event.peakValue);
      const peak = peakValue === null ? '' : `, peak ${peakValue}`;
      return (
        `:large_green_circle: RESOLVED ${what} — was ${event.peakSeverity}${peak}, ` +
        `${formatUtcTime(event.startedAt, end)}–${formatUtcTime(end, end)} (${formatSeconds(Math.round(seconds))})`
      );
    }
    case 'acknowledged': {
      const state = event.resolvedAt === null ? since : `resolved ${formatUtcTime(event.resolvedAt, transition.at)}`;
      return `:eyes: ACKNOWLEDGED by ${transition.actor ?? 'someone'} — ${level} ${what}, ${state}`;
    }
  }
}

/** The Slack body: one escaped line and a link to the event. */
export function buildSlackPayload(event: PayloadEvent, transition: PayloadTransition, publicUrl: string): SlackPayload {
  return { text: `${escapeSlack(slackLine(event, transition))} <${consoleEventLink(publicUrl, event.id)}|open in Shardscope>` };
}

/** The body a channel of `kind` gets for one transition of one event. */
export function buildChannelPayload(
  kind: ChannelKind,
  event: PayloadEvent,
  transition: PayloadTransition,
  dedupeKey: string,
  publicUrl: string,
): ChannelPayload {
  return kind === 'slack' ? buildSlackPayload(event, transition, publicUrl) : buildWebhookPayload(event, transition, dedupeKey, publicUrl);
}

/**
 * The "Send test" body: the webhook's real shape (so a receiver can be built
 * against it) with transition 'test' and an event that is plainly not one
 * (id, metric and shard "test"); Slack gets a line saying what it is.
 */
export function buildTestPayload(kind: ChannelKind, dedupeKey: string, publicUrl: string, at: Date): ChannelPayload {
  const link = consoleChannelsLink(publicUrl);
  if (kind === 'slack') {
    return { text: `:white_check_mark: Test message from Shardscope: alert notifications will arrive here. <${link}|open in Shardscope>` };
  }
  return {
    event: {
      id: 'test',
      state: 'firing',
      severity: 'warning',
      metric: 'test',
      shardId: 'test',
      nodeId: null,
      tenantId: null,
      startedAt: at.toISOString(),
      resolvedAt: null,
      value: null,
    },
    transition: 'test',
    dedupeKey,
    console: link,
  };
}
