import type { CountBy } from '@/lib/monitor/activity-types';

export function CountList({ title, counts }: { title: string; counts: CountBy[] }) {
  return (
    <div className="count-list">
      <h4>{title}</h4>
      {counts.length === 0 ? (
        <p className="subtle">none</p>
      ) : (
        <table>
          <tbody>
            {counts.map((entry) => (
              <tr key={entry.key}>
                <td className="mono">{entry.key || '(empty)'}</td>
                <td className="num">{entry.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
