import { formatBytes, formatNumber } from '@/lib/format';
import { copiedPercent } from './move-view';

/** Bytes copied of the total (a bar once the total is known) and rows copied. */
export function MoveProgress({ bytesCopied, bytesTotal, rowsCopied }: { bytesCopied: number; bytesTotal: number | null; rowsCopied: number }) {
  const percent = copiedPercent(bytesCopied, bytesTotal);
  return (
    <div className="move-progress" data-testid="move-progress" data-percent={percent ?? ''}>
      {percent === null ? (
        <progress aria-label="bytes copied" />
      ) : (
        <progress aria-label="bytes copied" max={100} value={percent} />
      )}
      <span>
        {formatBytes(bytesCopied)} of {bytesTotal === null ? 'not measured yet' : formatBytes(bytesTotal)}
        {percent === null ? '' : ` (${percent} %)`} · <span data-testid="move-rows">{formatNumber(rowsCopied)}</span> rows
      </span>
    </div>
  );
}
