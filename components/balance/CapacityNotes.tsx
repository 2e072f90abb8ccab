import { formatBytes, formatNumber } from '@/lib/format';
import type { CapacityNote } from '@/lib/rebalance/rebalance-model';

function days(value: number | null): string {
  if (value === null) return '—';
  if (value < 1) return 'under a day';
  return `${formatNumber(Math.round(value))} days`;
}

/** Per shard, at the sampled growth rate: when storage or connections reach their limit. */
export function CapacityNotes({ notes }: { notes: CapacityNote[] }) {
  return (
    <section className="card panel" data-testid="capacity-notes">
      <header>
        <h2>Capacity</h2>
        <span className="subtle">at the sampled growth rate</span>
      </header>
      {notes.length === 0 ? (
        <p className="subtle">no capacity notes yet: growth needs more than one storage measurement</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Shard</th>
              <th className="num">Growth</th>
              <th className="num">Storage full in</th>
              <th className="num">Connections</th>
              <th className="num">Connections full in</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {notes.map((note) => (
              <tr key={note.shardId} data-testid="capacity-note" data-shard-id={note.shardId}>
                <td className="mono">{note.shardId}</td>
                <td className="num">{note.bytesPerDay === null ? '—' : `${formatBytes(note.bytesPerDay)}/day`}</td>
                <td className="num">{days(note.daysToStorageLimit)}</td>
                <td className="num">
                  {note.connectionsUsed === null ? '—' : formatNumber(note.connectionsUsed)}
                  {note.connectionsMax !== null ? <span className="subtle"> / {formatNumber(note.connectionsMax)}</span> : null}
                </td>
                <td className="num">{days(note.daysToConnectionLimit)}</td>
                <td className="wide">{note.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
