import { CopyButton } from '@/components/tenants/CopyButton';
import { formatPercent } from '@/lib/format';
import type { StatementDetail } from '@/lib/statements/statements-model';
import { formatCount, formatMs } from './statement-figures-view';

/** The full normalized text with copy, and the statement's fleet figures over the range. */
export function StatementHeader({ detail }: { detail: StatementDetail }) {
  const { figures } = detail;
  return (
    <section className="card statement-header" data-testid="statement-header">
      <header>
        <h2>Normalized text</h2>
        <span className="subtle mono" title="md5 of the normalized text: the same on every shard">
          {detail.statementHash} <CopyButton value={detail.query} label="Copy statement text" />
        </span>
      </header>
      <pre className="statement-text" data-testid="statement-text">
        {detail.query}
      </pre>
      <div className="stats statement-stats">
        <Stat label="Calls" value={formatCount(figures.calls)} testId="statement-calls" />
        <Stat label="Total time" value={formatMs(figures.totalTimeMs)} />
        <Stat label="Mean" value={formatMs(figures.meanTimeMs)} />
        <Stat label="Stddev" value={formatMs(figures.stddevTimeMs)} />
        <Stat label="Rows per call" value={formatCount(figures.rowsPerCall)} />
        <Stat label="Buffer hits" value={formatPercent(figures.hitPct)} />
        <Stat label="Parameters" value={String(detail.parameterCount)} />
      </div>
    </section>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <div className="subtle">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
