'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { HISTORY_RANGES, type HistoryRange } from '@/lib/history/history-types';

export const DEFAULT_HISTORY_RANGE: HistoryRange = '1h';

function isHistoryRange(value: string | null): value is HistoryRange {
  return (HISTORY_RANGES as readonly (string | null)[]).includes(value);
}

/** The range in `?range=`, so a link to the page shows what its sender saw; anything unknown reads as 1h. Needs a <Suspense> above. */
export function useHistoryRange(): HistoryRange {
  const range = useSearchParams().get('range');
  return isHistoryRange(range) ? range : DEFAULT_HISTORY_RANGE;
}

/** 1h · 6h · 24h · 7d, kept in the URL (replace, not push: the back button leaves the page, not the last range). Needs a <Suspense> above. */
export function RangePicker() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const active = useHistoryRange();
  const [isPending, startTransition] = useTransition();

  function select(range: HistoryRange) {
    const params = new URLSearchParams(searchParams.toString());
    params.set('range', range);
    startTransition(() => router.replace(`${pathname}?${params}`, { scroll: false }));
  }

  return (
    <div className="range-picker" role="group" aria-label="History range" data-testid="range-picker" aria-busy={isPending}>
      {HISTORY_RANGES.map((range) => (
        <button key={range} type="button" aria-pressed={range === active} onClick={() => select(range)}>
          {range}
        </button>
      ))}
    </div>
  );
}
