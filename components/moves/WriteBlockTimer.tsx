'use client';

import { useEffect, useState } from 'react';
import type { MovePhase, MoveStatus } from '@/lib/rebalance/move-model';
import { formatMs, WRITE_BLOCK_PHASES } from './move-view';

/**
 * The write-block window: once the switch has committed, the measured
 * writeBlockMs; while the fence is up, a live timer counting from when this
 * page first saw the fence (observedAt: when that answer was fetched) (the API has no fence timestamp, so it is a floor).
 */
export function WriteBlockTimer({ phase, status, writeBlockMs, observedAt }: { phase: MovePhase; status: MoveStatus; writeBlockMs: number | null; observedAt: number }) {
  const fenced = status === 'running' && writeBlockMs === null && WRITE_BLOCK_PHASES.includes(phase);
  const [since, setSince] = useState<number | null>(null);
  const [now, setNow] = useState(observedAt);
  if (fenced && since === null) setSince(observedAt);
  if (!fenced && since !== null) setSince(null);
  useEffect(() => {
    if (!fenced) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [fenced]);

  if (writeBlockMs !== null) {
    return (
      <span data-testid="write-block" data-ms={writeBlockMs}>
        writes blocked for {formatMs(writeBlockMs)}
      </span>
    );
  }
  if (fenced && since !== null) {
    return (
      <span className="warn-text" data-testid="write-block-live" role="timer">
        writes blocked now: at least {formatMs(Math.max(0, now - since))}
      </span>
    );
  }
  return <span className="subtle">no write block yet</span>;
}
