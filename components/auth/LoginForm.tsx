'use client';

import { useState, type FormEvent } from 'react';
import { ApiClientError, postJson } from '@/lib/api/client';

export function LoginForm() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      await postJson('/api/auth/login', { username: form.get('username'), password: form.get('password') });
      window.location.assign('/');
    } catch (caught) {
      setError(caught instanceof ApiClientError ? caught.message : 'sign-in failed');
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit}>
      <label>
        User
        <input name="username" type="text" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
