import { formatShare } from './statement-figures-view';

/** A share (0–1) as a short bar with its percentage. */
export function ShareMeter({ share, label }: { share: number; label: string }) {
  const width = Math.max(0, Math.min(100, share * 100));
  return (
    <span className="share-meter" title={label}>
      <span className="meter">
        <span style={{ width: `${width}%` }} />
      </span>
      {formatShare(share)}
    </span>
  );
}
