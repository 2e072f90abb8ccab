import { formatBytes, formatNumber, formatPercent } from '@/lib/format';
import type { IndexAdvice } from '@/lib/statements/statements-model';

/**
 * How the index advice of a shard reads. Pure; unit-tested. "Unused" only
 * means something with the date since which it was counted.
 */

export function statsResetText(statsResetAt: string | null): string {
  if (!statsResetAt) return 'Statistics have never been reset on this node: "unused" means unused since the cluster was created.';
  const at = new Date(statsResetAt);
  const days = Math.max(0, Math.floor((Date.now() - at.getTime()) / 86_400_000));
  return `Statistics counted since ${at.toLocaleString()} (${days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`}): "unused" means unused since then.`;
}

/** Statistics younger than a week may not have seen a monthly report or a weekend batch: an unused index then is a hint, not a verdict. */
export const YOUNG_STATS_DAYS = 7;

export function statsAreYoung(statsResetAt: string | null, now = Date.now()): boolean {
  return statsResetAt !== null && now - Date.parse(statsResetAt) < YOUNG_STATS_DAYS * 86_400_000;
}

/** Share of rows read by sequential scans, of all rows fetched from the table: near 100 % on a big table is the missing index. */
export function seqReadShare(row: IndexAdvice['seqScanHeavy'][number]): number | null {
  const total = row.seqTupRead + row.idxTupFetch;
  return total > 0 ? (100 * row.seqTupRead) / total : null;
}

export function seqReadShareText(row: IndexAdvice['seqScanHeavy'][number]): string {
  return formatPercent(seqReadShare(row));
}

export interface AdviceCount {
  key: AdviceSection;
  label: string;
  count: number;
  /** Bytes an operator could get back by dropping what the section lists (unused, redundant). */
  reclaimableBytes: number | null;
}

export type AdviceSection = 'seqScanHeavy' | 'unused' | 'duplicate' | 'redundant' | 'invalid' | 'deadTuples' | 'neverAnalyzed';

export const ADVICE_LABELS: Record<AdviceSection, string> = {
  seqScanHeavy: 'Seq-scan-heavy tables',
  unused: 'Unused indexes',
  duplicate: 'Duplicate indexes',
  redundant: 'Redundant indexes',
  invalid: 'Invalid indexes',
  deadTuples: 'Many dead tuples',
  neverAnalyzed: 'Never analyzed',
};

export function adviceCounts(advice: IndexAdvice): AdviceCount[] {
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return [
    { key: 'seqScanHeavy', label: ADVICE_LABELS.seqScanHeavy, count: advice.seqScanHeavy.length, reclaimableBytes: null },
    { key: 'unused', label: ADVICE_LABELS.unused, count: advice.unused.length, reclaimableBytes: sum(advice.unused.map((row) => row.indexBytes)) },
    // A duplicate set keeps one of its indexes; which one is the operator's call, so no total is claimed.
    { key: 'duplicate', label: ADVICE_LABELS.duplicate, count: advice.duplicate.length, reclaimableBytes: null },
    { key: 'redundant', label: ADVICE_LABELS.redundant, count: advice.redundant.length, reclaimableBytes: sum(advice.redundant.map((row) => row.indexBytes)) },
    { key: 'invalid', label: ADVICE_LABELS.invalid, count: advice.invalid.length, reclaimableBytes: null },
    { key: 'deadTuples', label: ADVICE_LABELS.deadTuples, count: advice.deadTuples.length, reclaimableBytes: null },
    { key: 'neverAnalyzed', label: ADVICE_LABELS.neverAnalyzed, count: advice.neverAnalyzed.length, reclaimableBytes: null },
  ];
}

export function reclaimableText(count: AdviceCount): string | null {
  return count.reclaimableBytes ? `${formatBytes(count.reclaimableBytes)} to reclaim` : null;
}

export function deadTuplesText(row: IndexAdvice['deadTuples'][number]): string {
  return `${formatNumber(row.deadTuples)} dead / ${formatNumber(row.liveTuples)} live (${formatPercent(row.deadPct)})`;
}
