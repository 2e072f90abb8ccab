import type { ReactNode } from 'react';
import { CopyButton } from '@/components/tenants/CopyButton';
import { formatBytes, formatNumber } from '@/lib/format';
import type { IndexAdvice } from '@/lib/statements/statements-model';
import { ADVICE_LABELS, deadTuplesText, seqReadShareText, type AdviceSection } from './index-advice-view';

/** One card per kind of advice, each saying what it means and what to do; an empty one says so. */
export function IndexAdviceSections({ advice }: { advice: IndexAdvice }) {
  return (
    <div className="advice-sections">
      <AdviceCard section="seqScanHeavy" rows={advice.seqScanHeavy.length} hint="Tables read mostly by sequential scans, biggest first: a filter without an index reads every row. The statement page's index suggestion finds which.">
        <table>
          <thead>
            <tr>
              <th>Table</th>
              <th className="num">Size</th>
              <th className="num">Live rows</th>
              <th className="num">Seq scans</th>
              <th className="num">Rows read by seq scans</th>
              <th className="num">Index scans</th>
              <th className="num">Rows fetched by index</th>
              <th className="num">Seq share</th>
            </tr>
          </thead>
          <tbody>
            {advice.seqScanHeavy.map((row) => (
              <tr key={row.table} data-testid="advice-row" data-table={row.table}>
                <td className="mono">{row.table}</td>
                <td className="num">{formatBytes(row.tableBytes)}</td>
                <td className="num">{formatNumber(row.liveTuples)}</td>
                <td className="num">{formatNumber(row.seqScans)}</td>
                <td className="num">{formatNumber(row.seqTupRead)}</td>
                <td className="num">{formatNumber(row.idxScans)}</td>
                <td className="num">{formatNumber(row.idxTupFetch)}</td>
                <td className="num">{seqReadShareText(row)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </AdviceCard>

      <AdviceCard section="unused" rows={advice.unused.length} hint="Never scanned since the statistics date above (unique, primary-key and constraint indexes are left out): each costs writes and space.">
        <table>
          <thead>
            <tr>
              <th>Index</th>
              <th>Table</th>
              <th className="num">Size</th>
              <th>Definition</th>
            </tr>
          </thead>
          <tbody>
            {advice.unused.map((row) => (
              <tr key={row.index} data-testid="advice-row" data-index={row.index}>
                <td className="mono">{row.index}</td>
                <td className="mono">{row.table}</td>
                <td className="num">{formatBytes(row.indexBytes)}</td>
                <Definition sql={row.definition} />
              </tr>
            ))}
          </tbody>
        </table>
      </AdviceCard>

      <AdviceCard section="duplicate" rows={advice.duplicate.length} hint="Indexes with the same columns on the same table: keep one.">
        <table>
          <thead>
            <tr>
              <th>Table</th>
              <th>Indexes</th>
              <th className="num">Size</th>
              <th>Definition</th>
            </tr>
          </thead>
          <tbody>
            {advice.duplicate.map((row) => (
              <tr key={`${row.table}:${row.indexes.join(',')}`} data-testid="advice-row" data-index={row.indexes.join(',')}>
                <td className="mono">{row.table}</td>
                <td className="mono wide">{row.indexes.join(', ')}</td>
                <td className="num">{formatBytes(row.indexBytes)}</td>
                <Definition sql={row.definition} />
              </tr>
            ))}
          </tbody>
        </table>
      </AdviceCard>

      <AdviceCard section="redundant" rows={advice.redundant.length} hint="An index whose columns are a prefix of another index on the same table: the longer one serves its queries.">
        <table>
          <thead>
            <tr>
              <th>Index</th>
              <th>Covered by</th>
              <th>Table</th>
              <th className="num">Size</th>
              <th>Definition</th>
            </tr>
          </thead>
          <tbody>
            {advice.redundant.map((row) => (
              <tr key={row.index} data-testid="advice-row" data-index={row.index}>
                <td className="mono">{row.index}</td>
                <td className="mono">{row.coveredBy}</td>
                <td className="mono">{row.table}</td>
                <td className="num">{formatBytes(row.indexBytes)}</td>
                <Definition sql={row.definition} />
              </tr>
            ))}
          </tbody>
        </table>
      </AdviceCard>

      <AdviceCard section="invalid" rows={advice.invalid.length} hint="Left by a failed CREATE INDEX CONCURRENTLY: never used by queries, still maintained on writes. Drop and build again.">
        <table>
          <thead>
            <tr>
              <th>Index</th>
              <th>Table</th>
              <th>Definition</th>
            </tr>
          </thead>
          <tbody>
            {advice.invalid.map((row) => (
              <tr key={row.index} data-testid="advice-row" data-index={row.index}>
                <td className="mono">{row.index}</td>
                <td className="mono">{row.table}</td>
                <Definition sql={row.definition} />
              </tr>
            ))}
          </tbody>
        </table>
      </AdviceCard>

      <AdviceCard section="deadTuples" rows={advice.deadTuples.length} hint="Tables with many dead rows: autovacuum is behind (or blocked by a long transaction); scans read the dead rows too.">
        <table>
          <thead>
            <tr>
              <th>Table</th>
              <th className="num">Dead / live</th>
              <th>Last autovacuum</th>
            </tr>
          </thead>
          <tbody>
            {advice.deadTuples.map((row) => (
              <tr key={row.table} data-testid="advice-row" data-table={row.table}>
                <td className="mono">{row.table}</td>
                <td className="num">{deadTuplesText(row)}</td>
                <td>{row.lastAutovacuum ? new Date(row.lastAutovacuum).toLocaleString() : <span className="warn-text">never</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </AdviceCard>

      <AdviceCard section="neverAnalyzed" rows={advice.neverAnalyzed.length} hint="No planner statistics: its estimates are guesses. ANALYZE the table.">
        <table>
          <thead>
            <tr>
              <th>Table</th>
              <th className="num">Live rows</th>
            </tr>
          </thead>
          <tbody>
            {advice.neverAnalyzed.map((row) => (
              <tr key={row.table} data-testid="advice-row" data-table={row.table}>
                <td className="mono">{row.table}</td>
                <td className="num">{formatNumber(row.liveTuples)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </AdviceCard>
    </div>
  );
}

function AdviceCard({ section, rows, hint, children }: { section: AdviceSection; rows: number; hint: string; children: ReactNode }) {
  return (
    <section className="card advice-card" id={`advice-${section}`} data-testid="advice-section" data-section={section} data-rows={rows}>
      <header>
        <h2>{ADVICE_LABELS[section]}</h2>
        <span className="subtle">{rows === 0 ? 'none' : rows}</span>
      </header>
      <p className="subtle advice-hint">{hint}</p>
      {rows > 0 ? children : null}
    </section>
  );
}

function Definition({ sql }: { sql: string }) {
  return (
    <td className="wide definition">
      <code>{sql}</code> <CopyButton value={sql} label="Copy index definition" />
    </td>
  );
}
