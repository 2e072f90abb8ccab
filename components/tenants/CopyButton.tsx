'use client';

import { useState } from 'react';

/** Copies a value (an id) to the clipboard and says so for a moment. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      // No clipboard permission (plain http, a locked-down browser): the id is selectable text beside the button.
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  }
  return (
    <button type="button" className="small" onClick={copy} aria-label={label}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : 'Copy'}
    </button>
  );
}
