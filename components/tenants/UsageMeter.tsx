import type { UsageBarView } from '@/lib/tenants/usage-bar-view';

/**
 * A small bar with its amounts and, near or over the limit, the words too:
 * colour alone does not reach every operator (or a screen reader).
 */
export function UsageMeter({ bar, amount, title, testId }: { bar: UsageBarView; amount: string; title?: string; testId?: string }) {
  return (
    <span className="usage-meter" data-state={bar.state} data-testid={testId} title={title ?? `${bar.percentText} of the limit`}>
      <span className={`meter ${bar.tone}`} aria-hidden="true">
        <span style={{ width: `${bar.widthPercent}%` }} />
      </span>
      {amount}
      {bar.stateText ? (
        <span className={`usage-state ${bar.tone}`}>
          {' '}
          {bar.percentText} · {bar.stateText}
        </span>
      ) : null}
    </span>
  );
}
