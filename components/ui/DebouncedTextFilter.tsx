'use client';

import { useEffect, useRef, useState } from 'react';

/** 300 ms: long enough that typing a fragment asks once, short enough to feel like it follows the keys. */
export const TEXT_FILTER_DEBOUNCE_MS = 300;

/**
 * A text filter that keeps its own text while typing and sends it after a
 * pause; a URL change (Back, Clear) replaces what it shows.
 */
export function DebouncedTextFilter({
  label,
  value,
  placeholder,
  maxLength,
  className,
  testId,
  onSettle,
}: {
  label: string;
  value: string;
  placeholder: string;
  maxLength: number;
  className?: string;
  testId: string;
  onSettle: (value: string) => void;
}) {
  const [draft, setDraft] = useState(value);
  const sent = useRef(value);

  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setDraft(value);
    }
  }, [value]);

  useEffect(() => {
    if (draft === sent.current) return;
    const timer = setTimeout(() => {
      sent.current = draft;
      onSettle(draft);
    }, TEXT_FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, onSettle]);

  return (
    <label className={className}>
      {label}
      <input type="search" value={draft} maxLength={maxLength} placeholder={placeholder} onChange={(event) => setDraft(event.target.value)} data-testid={testId} />
    </label>
  );
}
