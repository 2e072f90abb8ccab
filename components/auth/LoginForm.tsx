'use client';

import { useState, type FormEvent } from 'react';
import { ApiClientError, postJson } from '@/lib/api/client';
import { CredentialFields } from './CredentialFields';

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
      <CredentialFields userLabel="User" userField="username" userType="text" error={error} pending={pending} />
    </form>
  );
}
