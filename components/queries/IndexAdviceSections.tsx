import type { ReactNode } from 'react';
import { CopyButton } from '@/components/tenants/CopyButton';
import { ColumnTable, type Column } from '@/components/ui/ColumnTable';
import { formatBytes, formatNumber } from '@/lib/format';
import type { IndexAdvice } from '@/lib/statements/statements-model';
import { ADVICE_LABELS, deadTuplesText, seqReadShareText, type AdviceSection } from './index-advice-view';

/** One card per kind of advice, each saying what it means and what to do; an empty one says so. */
export function IndexAdviceSections({ advice }: { advice: IndexAdvice }) {
  return (
    <div className="advice-sections">
      <AdviceCard section="seqScanHeavy" rows={advice.seqScanHeavy.length} hint="Tables read mostly by sequential scans, biggest first: a filter without an index reads every row. The statement page's index suggestion finds which.">
        <ColumnTable
          rows={advice.seqScanHeavy}
          rowTestId="advice-row"
          mark={(row) => ({ 'data-table': row.table })}
          columns={[
            tableColumn,
            { label: 'Size', num: true, cell: (row) => formatBytes(row.tableBytes) },
            { label: 'Live rows', num: true, cell: (row) => formatNumber(row.liveTuples) },
            { label: 'Seq scans', num: true, cell: (row) => formatNumber(row.seqScans) },
            { label: 'Rows read by seq scans', num: true, cell: (row) => formatNumber(row.seqTupRead) },
            { label: 'Index scans', num: true, cell: (row) => formatNumber(row.idxScans) },
            { label: 'Rows fetched by index', num: true, cell: (row) => formatNumber(row.idxTupFetch) },
            { label: 'Seq share', num: true, cell: seqReadShareText },
          ]}
        />
      </AdviceCard>

      <AdviceCard section="unused" rows={advice.unused.length} hint="Never scanned since the statistics date above (unique, primary-key and constraint indexes are left out): each costs writes and space.">
        <ColumnTable
          rows={advice.unused}
          rowTestId="advice-row"
          mark={(row) => ({ 'data-index': row.index })}
          columns={[indexColumn, tableColumn, sizeColumn, definitionColumn]}
        />
      </AdviceCard>

      <AdviceCard section="duplicate" rows={advice.duplicate.length} hint="Indexes with the same columns on the same table: keep one.">
        <ColumnTable
          rows={advice.duplicate}
          rowTestId="advice-row"
          mark={(row) => ({ 'data-index': row.indexes.join(',') })}
          columns={[tableColumn, { label: 'Indexes', className: 'mono wide', cell: (row) => row.indexes.join(', ') }, sizeColumn, definitionColumn]}
        />
      </AdviceCard>

      <AdviceCard section="redundant" rows={advice.redundant.length} hint="An index whose columns are a prefix of another index on the same table: the longer one serves its queries.">
        <ColumnTable
          rows={advice.redundant}
          rowTestId="advice-row"
          mark={(row) => ({ 'data-index': row.index })}
          columns={[indexColumn, { label: 'Covered by', className: 'mono', cell: (row) => row.coveredBy }, tableColumn, sizeColumn, definitionColumn]}
        />
      </AdviceCard>

      <AdviceCard section="invalid" rows={advice.invalid.length} hint="Left by a failed CREATE INDEX CONCURRENTLY: never used by queries, still maintained on writes. Drop and build again.">
        <ColumnTable rows={advice.invalid} rowTestId="advice-row" mark={(row) => ({ 'data-index': row.index })} columns={[indexColumn, tableColumn, definitionColumn]} />
      </AdviceCard>

      <AdviceCard section="deadTuples" rows={advice.deadTuples.length} hint="Tables with many dead rows: autovacuum is behind (or blocked by a long transaction); scans read the dead rows too.">
        <ColumnTable
          rows={advice.deadTuples}
          rowTestId="advice-row"
          mark={(row) => ({ 'data-table': row.table })}
          columns={[
            tableColumn,
            { label: 'Dead / live', num: true, cell: deadTuplesText },
            {
              label: 'Last autovacuum',
              cell: (row) => (row.lastAutovacuum ? new Date(row.lastAutovacuum).toLocaleString() : <span className="warn-text">never</span>),
            },
          ]}
        />
      </AdviceCard>

      <AdviceCard section="neverAnalyzed" rows={advice.neverAnalyzed.length} hint="No planner statistics: its estimates are guesses. ANALYZE the table.">
        <ColumnTable
          rows={advice.neverAnalyzed}
          rowTestId="advice-row"
          mark={(row) => ({ 'data-table': row.table })}
          columns={[tableColumn, { label: 'Live rows', num: true, cell: (row) => formatNumber(row.liveTuples) }]}
        />
      </AdviceCard>
    </div>
  );
}

const tableColumn: Column<{ table: string }> = { label: 'Table', className: 'mono', cell: (row) => row.table };
const indexColumn: Column<{ index: string }> = { label: 'Index', className: 'mono', cell: (row) => row.index };
const sizeColumn: Column<{ indexBytes: number }> = { label: 'Size', num: true, cell: (row) => formatBytes(row.indexBytes) };
const definitionColumn: Column<{ definition: string }> = {
  label: 'Definition',
  className: 'wide definition',
  cell: (row) => (
    <>
      <code>{row.definition}</code> <CopyButton value={row.definition} label="Copy index definition" />
    </>
  ),
};

function AdviceCard({ section, rows, hint, children }: { section: AdviceSection; rows: number; hint: string; children: ReactNode }) {
  return (
    <section className="card advice-card" id={`advice-${section}`} data-testid="advice-section" data-section={section} data-rows={rows}>
      <header>
        <h2>{ADVICE_LABELS[section]}</h2>
        <span className="subtle">{rows === 0 ? 'none' : rows}</span>
      </header>
      <p className="subtle advice-hint">{hint}</p>
      {children}
    </section>
  );
}
