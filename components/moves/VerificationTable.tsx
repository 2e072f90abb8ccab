import { formatNumber } from '@/lib/format';
import type { TableVerification } from '@/lib/rebalance/move-model';

/** Per table: rows and hash of the tenant's rows on source and target, and whether they match. */
export function VerificationTable({ verification }: { verification: TableVerification[] | null }) {
  if (verification === null) return <p className="subtle">not verified yet</p>;
  return (
    <table className="verification" data-testid="move-verification">
      <thead>
        <tr>
          <th>Table</th>
          <th className="num">Source rows</th>
          <th className="num">Target rows</th>
          <th>Hashes</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {verification.map((table) => (
          <tr key={table.table} data-testid="verification-row" data-table={table.table} data-equal={table.equal}>
            <td className="mono">{table.table}</td>
            <td className="num">{formatNumber(table.sourceRows)}</td>
            <td className="num">{formatNumber(table.targetRows)}</td>
            <td className="mono subtle" title={`source ${table.sourceHash} · target ${table.targetHash}`}>
              {table.sourceHash.slice(0, 10)} / {table.targetHash.slice(0, 10)}
            </td>
            <td className={table.equal ? 'ok' : 'bad'}>{table.equal ? 'equal' : 'different'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
