'use client';

import { firingTone } from '@/components/alerts/events/alert-event-view';
import { useFiringSummaryQuery } from '@/lib/queries/alerts/events/firing-summary-query';

/**
 * The header's count of firing alerts, on every page: red while any is
 * critical, amber for warnings only, a grey 0 when all is quiet, a grey "?"
 * when the count cannot be read (the control DB is away).
 */
export function FiringBadge() {
  const { data, error } = useFiringSummaryQuery();
  if (!data) {
    return (
      <span className="badge neutral firing-badge" data-testid="firing-badge" data-tone="neutral" title={error ? `alerts unavailable: ${error.message}` : 'loading'}>
        {error ? '?' : '…'}
      </span>
    );
  }
  const tone = firingTone(data);
  const title =
    data.firing === 0
      ? 'no alert firing'
      : `${data.firing} firing: ${data.critical} critical, ${data.warning} warning; ${data.unacknowledged} not acknowledged`;
  return (
    <span className={`badge ${tone} firing-badge`} data-testid="firing-badge" data-tone={tone} title={title} aria-label={title}>
      {data.firing}
    </span>
  );
}
