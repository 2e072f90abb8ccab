'use client';

import { createBrowserClient } from '@supabase/ssr';
import type { Provider } from '@supabase/supabase-js';
import { useState, type FormEvent } from 'react';
import { CredentialFields } from './CredentialFields';

export interface SupabaseProjectProps {
  supabaseUrl: string;
  publishableKey: string;
}

interface SupabaseSignInProps extends SupabaseProjectProps {
  oauthProviders: string[];
  /** The provider's round trip came back without a session. */
  signInFailed: boolean;
}

function providerLabel(provider: string): string {
  return provider.charAt(0).toUpperCase() + provider.slice(1).replace(/_/g, ' ');
}

/**
 * Sign-in through the platform's Supabase project, in the browser: the
 * password form and the OAuth buttons talk to Supabase directly, then land on
 * /auth/callback, where the console verifies the session and audits it.
 */
export function SupabaseSignIn({ supabaseUrl, publishableKey, oauthProviders, signInFailed }: SupabaseSignInProps) {
  // Built on use, never while rendering: this component also renders on the server, where
  // supabase-js finds no WebSocket for its Realtime part (Node 20). In the browser it is one shared client.
  const supabase = () => createBrowserClient(supabaseUrl, publishableKey);
  const [error, setError] = useState<string | null>(signInFailed ? 'The sign-in did not complete: try again.' : null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const { error: refusal } = await supabase().auth.signInWithPassword({ email: String(form.get('email')), password: String(form.get('password')) });
    if (refusal) {
      setError(refusal.message);
      setPending(false);
      return;
    }
    window.location.assign('/auth/callback');
  }

  async function signInWith(provider: string) {
    setPending(true);
    setError(null);
    const { error: refusal } = await supabase().auth.signInWithOAuth({
      provider: provider as Provider,
      options: { redirectTo: `${window.location.origin}/auth/callback` },
    });
    // On success the browser is already on its way to the provider.
    if (refusal) {
      setError(refusal.message);
      setPending(false);
    }
  }

  return (
    <>
      <form onSubmit={onSubmit} data-testid="supabase-sign-in">
        <CredentialFields userLabel="Email" userField="email" userType="email" error={error} pending={pending} />
      </form>
      {oauthProviders.length > 0 ? (
        <div style={{ display: 'grid', gap: 8, marginTop: 16 }}>
          {oauthProviders.map((provider) => (
            <button key={provider} type="button" disabled={pending} onClick={() => signInWith(provider)}>
              Sign in with {providerLabel(provider)}
            </button>
          ))}
        </div>
      ) : null}
    </>
  );
}
