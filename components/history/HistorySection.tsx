'use client';

import type { ReactNode } from 'react';
import { RangePicker } from './RangePicker';

/** The "History" block of a page: heading, the range picker (kept in the URL), and a grid of charts. */
export function HistorySection({ id, testId, children }: { id: string; testId: string; children: ReactNode }) {
  return (
    <section className="history" aria-labelledby={`${id}-heading`} data-testid={testId}>
      <header>
        <h2 id={`${id}-heading`}>History</h2>
        <RangePicker />
      </header>
      <div className="history-grid">{children}</div>
    </section>
  );
}
