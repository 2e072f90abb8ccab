'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { StatusBadge } from '@/components/ui/StatusBadge';
import type { AlertEvent } from '@/lib/alerts/alert-model';
import { formatSeconds } from '@/lib/format';
import { AcknowledgeButton } from './AcknowledgeButton';
import { AlertContextPanel } from './AlertContextPanel';
import { eventChartRange, eventDurationSeconds, formatAlertValue, formatThreshold, metricLabel, SEVERITY_TONE } from './alert-event-view';

/** Columns of the events table (the expanded context spans them all). */
export const EVENT_COLUMNS = 9;

function When({ at }: { at: string }) {
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}

/**
 * One event: a summary row, and its context snapshot and chart link below
 * when expanded. The linked event (`?event=`) starts expanded, highlighted
 * and scrolled into view.
 */
export function AlertEventRow({ event, now, linked, canAcknowledge }: { event: AlertEvent; now: Date; linked: boolean; canAcknowledge: boolean }) {
  const [expanded, setExpanded] = useState(linked);
  const rowRef = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    if (linked) rowRef.current?.scrollIntoView({ block: 'center' });
  }, [linked]);

  const threshold = formatThreshold(event.metric, event.threshold);
  const chart = eventChartRange(event, now);
  const contextId = `alert-event-${event.id}-context`;
  return (
    <tbody ref={rowRef} className={`alert-event${linked ? ' linked' : ''}`} data-testid="alert-event" data-event-id={event.id} data-state={event.state}>
      <tr>
        <td>
          <StatusBadge tone={SEVERITY_TONE[event.severity]}>{event.severity}</StatusBadge>
          {event.state === 'firing' && event.currentSeverity !== event.severity ? <div className="subtle">now {event.currentSeverity}</div> : null}
        </td>
        <td>
          <div>{metricLabel(event.metric)}</div>
          {threshold ? <div className="subtle">threshold {threshold}</div> : null}
        </td>
        <td>
          <Link href={`/shards/${encodeURIComponent(event.shardId)}`} className="mono">
            {event.shardId}
          </Link>
          {event.nodeId ? <div className="mono subtle">{event.nodeId}</div> : null}
          {event.tenantId ? (
            <div>
              <Link href={`/tenants/${encodeURIComponent(event.tenantId)}`} title={event.tenantId}>
                {event.tenantName ?? event.tenantId.slice(0, 8)}
              </Link>
            </div>
          ) : null}
        </td>
        <td>
          <When at={event.startedAt} />
        </td>
        <td data-testid="event-resolved">
          {event.resolvedAt ? <When at={event.resolvedAt} /> : <StatusBadge tone={SEVERITY_TONE[event.currentSeverity]}>firing</StatusBadge>}
          <div className="subtle">
            {event.resolvedAt ? 'lasted' : 'for'} {formatSeconds(eventDurationSeconds(event, now))}
            {event.resolveReason ? ` · ${event.resolveReason}` : ''}
          </div>
        </td>
        <td className="num">{formatAlertValue(event.metric, event.peakValue)}</td>
        <td className="num">{formatAlertValue(event.metric, event.lastValue)}</td>
        <td data-testid="event-acknowledged">
          {event.acknowledgedBy ? (
            <>
              <div>{event.acknowledgedBy}</div>
              {event.acknowledgedAt ? (
                <div className="subtle">
                  <When at={event.acknowledgedAt} />
                </div>
              ) : null}
            </>
          ) : canAcknowledge ? (
            <AcknowledgeButton eventId={event.id} />
          ) : (
            <span className="subtle">—</span>
          )}
        </td>
        <td>
          <button type="button" className="small" aria-expanded={expanded} aria-controls={contextId} onClick={() => setExpanded(!expanded)} data-testid="toggle-context">
            {expanded ? 'Hide context' : 'Context'}
          </button>
        </td>
      </tr>
      {expanded ? (
        <tr className="alert-event-detail">
          <td colSpan={EVENT_COLUMNS} id={contextId}>
            <p>
              <Link href={chart.href} data-testid="event-chart-link">
                Charts of {event.shardId} around the event ({chart.range}
                {chart.to ? ` ending ${new Date(chart.to).toLocaleString()}` : ' up to now'})
              </Link>
            </p>
            <AlertContextPanel context={event.context} />
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
