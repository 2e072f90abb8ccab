'use client';

import { generatePassword } from './user-form-view';
import { FieldError } from './FieldError';

/**
 * A new password for someone else, typed or generated. Shown in clear: the
 * admin hands it over, and only the hash is stored. `onChange`'s second
 * argument says whether the value was generated (the page then shows it once
 * after the save).
 */
export function PasswordInput({
  id,
  label,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  onChange: (password: string, generated: boolean) => void;
}) {
  return (
    <label htmlFor={id}>
      {label}
      <span className="password-input">
        <input
          id={id}
          type="text"
          autoComplete="new-password"
          spellCheck={false}
          value={value}
          onChange={(event) => onChange(event.target.value, false)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-error`}
          data-testid="user-password"
        />
        <button type="button" className="small" onClick={() => onChange(generatePassword(), true)} data-testid="generate-password">
          Generate
        </button>
      </span>
      <FieldError id={`${id}-error`} message={error} />
    </label>
  );
}
