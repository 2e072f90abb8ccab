'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import type { AlertRule } from '@/lib/alerts/alert-model';
import type { AlertRuleMetricInfo } from '@/lib/alerts/rule-validation';
import { useAlertRulesQuery } from '@/lib/queries/alerts/rules/alert-rules-query';
import { AddOverrideForm, type OverrideShard } from './AddOverrideForm';
import { RecentRuleChanges } from './RecentRuleChanges';
import { RuleRowEditor } from './RuleRowEditor';
import { conditionSentence } from './rule-form-view';

/** Every metric's rules in one table (fleet default first, then its overrides), the form to add an override, and the audited changes. */
export function AlertRulesEditor({ shards }: { shards: OverrideShard[] }) {
  const { data, error, isPending } = useAlertRulesQuery();
  if (isPending) return <Skeleton count={2} />;
  if (!data) return <AlertError subject="alert rules" error={error} />;
  const groups = data.metrics.map((metric) => ({ metric, rules: data.rules.filter((rule) => rule.metric === metric.metric) }));
  return (
    <>
      <div className="card">
        <table className="tier-editor" data-testid="alert-rules">
          <thead>
            <tr>
              <th>Applies to</th>
              <th>Warning</th>
              <th>Critical</th>
              <th>For (seconds)</th>
              <th>Enabled</th>
              <th />
            </tr>
          </thead>
          {groups.map(({ metric, rules }) => (
            <MetricGroup key={metric.metric} metric={metric} rules={rules} />
          ))}
        </table>
        {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
      </div>
      <h2>Add an override</h2>
      <p className="subtle">
        An override replaces the fleet default for one shard or one node: a node override beats a shard override, which beats the fleet default. It starts
        with the fleet default&apos;s values; edit it in the table once added.
      </p>
      <AddOverrideForm metrics={data.metrics} shards={shards} />
      <h2>Recent changes</h2>
      <RecentRuleChanges metrics={data.metrics} />
    </>
  );
}

function MetricGroup({ metric, rules }: { metric: AlertRuleMetricInfo; rules: AlertRule[] }) {
  return (
    <tbody className="tier-block" data-testid="rule-group" data-metric={metric.metric}>
      <tr>
        <td colSpan={6}>
          <strong>{metric.label}</strong> <span className="subtle">· {conditionSentence(metric)}</span>
        </td>
      </tr>
      {rules.length === 0 ? (
        <tr>
          <td colSpan={6} className="subtle">
            no fleet rule for this metric in the control database
          </td>
        </tr>
      ) : (
        rules.map((rule) => <RuleRowEditor key={rule.id} saved={rule} metric={metric} />)
      )}
    </tbody>
  );
}
