'use client';

import { AlertError } from '@/components/ui/AlertError';

export default function ConsoleError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <>
      <AlertError subject="this page" error={error} />
      <p>
        <button onClick={reset}>Try again</button>
      </p>
    </>
  );
}
