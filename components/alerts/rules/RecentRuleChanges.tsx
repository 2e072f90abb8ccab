'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import type { AlertRuleMetricInfo } from '@/lib/alerts/rule-validation';
import { useRuleChangesQuery } from '@/lib/queries/alerts/rules/rule-changes-query';
import { describeRuleChange } from './rule-form-view';

/** The last changes are what an on-call engineer asks about ("who raised the lag threshold?"); older ones are in the audit log. */
const RECENT_CHANGES = 20;

/** Who changed which rule when, each field before → after (from the audit log). */
export function RecentRuleChanges({ metrics }: { metrics: AlertRuleMetricInfo[] }) {
  const { data, error, isPending } = useRuleChangesQuery(RECENT_CHANGES);
  if (isPending) return <Skeleton />;
  if (!data) return <AlertError subject="recent alert rule changes" error={error} />;
  if (data.entries.length === 0) {
    return (
      <p className="subtle" data-testid="rule-changes-empty">
        No alert rule has been changed yet: every rule is as seeded.
      </p>
    );
  }
  return (
    <div className="card">
      <ol className="rule-changes" data-testid="rule-changes">
        {data.entries.map((entry) => {
          const change = describeRuleChange(entry, metrics);
          return (
            <li key={change.id} data-testid="rule-change" data-action={entry.action} data-target={entry.target ?? undefined}>
              <time dateTime={change.at} className="subtle">
                {new Date(change.at).toLocaleString()}
              </time>{' '}
              <strong>{change.actor}</strong> {change.verb} {change.metricLabel}
              {change.scope ? <span className="subtle"> · {change.scope}</span> : null}:{' '}
              {change.changes.length === 0
                ? 'no change'
                : change.changes.map((field, index) => (
                    <span
                      key={field.field}
                      data-testid="rule-change-field"
                      data-field={field.field}
                      data-before={field.before === undefined ? undefined : String(field.before)}
                      data-after={field.after === undefined ? undefined : String(field.after)}
                    >
                      {index > 0 ? ', ' : ''}
                      {field.text}
                    </span>
                  ))}
            </li>
          );
        })}
      </ol>
      {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
    </div>
  );
}
