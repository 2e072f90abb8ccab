'use client';

import { useEffect, useState } from 'react';
import type { MovePhase, MoveStatus } from '@/lib/rebalance/move-model';
import { formatMs, WRITE_BLOCK_PHASES } from './move-view';

interface Props {
  phase: MovePhase;
  status: MoveStatus;
  writeBlockMs: number | null;
  /** When the source's fence went up (server time); null until it has. */
  fencedAt: string | null;
  /** When this answer was fetched: the floor of the timer while fencedAt is not known yet. */
  observedAt: number;
}

/**
 * The write-block window: once the switch has committed, the measured
 * writeBlockMs; while the fence is up, a live timer counting from the fence
 * (or, until the fence's time is recorded, from when this page first saw it).
 */
export function WriteBlockTimer({ phase, status, writeBlockMs, fencedAt, observedAt }: Props) {
  const fenced = status === 'running' && writeBlockMs === null && WRITE_BLOCK_PHASES.includes(phase);
  const [firstSeen, setFirstSeen] = useState<number | null>(null);
  const [now, setNow] = useState(observedAt);
  if (fenced && firstSeen === null) setFirstSeen(observedAt);
  if (!fenced && firstSeen !== null) setFirstSeen(null);
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
  const since = fencedAt ? Date.parse(fencedAt) : firstSeen;
  if (fenced && since !== null) {
    return (
      <span className="warn-text" data-testid="write-block-live" role="timer">
        writes blocked now: {fencedAt ? '' : 'at least '}
        {formatMs(Math.max(0, now - since))}
      </span>
    );
  }
  return <span className="subtle">no write block yet</span>;
}
