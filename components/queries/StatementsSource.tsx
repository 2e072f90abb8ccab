import { StatusBadge } from '@/components/ui/StatusBadge';
import type { StatementsReport } from '@/lib/statements/statements-model';
import { MissingNodesBanner } from './MissingNodesBanner';
import { formatMs, reportSourceText } from './statement-figures-view';

/**
 * Where the numbers come from (snapshot deltas or a live read), and what is
 * missing from them: nodes that did not answer or have no snapshot (their
 * figures are absent, not zero) and counters that went backwards (a reset:
 * that node's figures start again from the reset).
 */
export function StatementsSource({ report }: { report: StatementsReport }) {
  return (
    <div className="statements-source" data-testid="statements-source" data-source={report.source}>
      <p>
        <StatusBadge tone={report.source === 'snapshots' ? 'ok' : 'neutral'} testId="statements-source-badge">
          {report.source === 'snapshots' ? 'snapshots' : 'live'}
        </StatusBadge>{' '}
        <span className="subtle">
          {reportSourceText(report)} All statement time: {formatMs(report.totalTimeMs)}.
        </span>
      </p>
      <MissingNodesBanner nodes={report.missingNodes} />
      {report.resets.length > 0 ? (
        <div className="banner neutral" role="status" data-testid="statement-resets">
          Counters went backwards (statistics reset or statements evicted) inside the window; those nodes count from the reset on:
          <ul>
            {report.resets.map((reset) => (
              <li key={`${reset.nodeId}-${reset.at}`} data-node-id={reset.nodeId}>
                <span className="mono">{reset.nodeId}</span> at {new Date(reset.at).toLocaleString()}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
