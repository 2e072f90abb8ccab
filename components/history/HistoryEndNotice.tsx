'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';

/**
 * `?to=` (ISO 8601): the charts' range ends there instead of now, e.g. from an
 * alert's "charts around the event" link. Anything that is not a time reads
 * as absent (the live range). Needs a <Suspense> above.
 */
export function useHistoryEnd(): string | undefined {
  const to = useSearchParams().get('to');
  if (!to || Number.isNaN(Date.parse(to))) return undefined;
  return new Date(to).toISOString();
}

/** Says the charts stop in the past, and offers the live range back (the picked range stays). */
export function HistoryEndNotice({ to }: { to: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [isPending, startTransition] = useTransition();

  function backToNow() {
    const params = new URLSearchParams(searchParams.toString());
    params.delete('to');
    const search = params.toString();
    startTransition(() => router.replace(search ? `${pathname}?${search}` : pathname, { scroll: false }));
  }

  return (
    <p className="banner warn history-end" data-testid="history-end" aria-busy={isPending}>
      Charts end at{' '}
      {/* Server and browser may sit in different time zones: the browser's wins. */}
      <time dateTime={to} suppressHydrationWarning>
        {new Date(to).toLocaleString()}
      </time>
      , not now.{' '}
      <button type="button" className="link" onClick={backToNow}>
        Show up to now
      </button>
    </p>
  );
}
