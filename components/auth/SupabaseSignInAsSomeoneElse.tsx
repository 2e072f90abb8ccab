'use client';

import { createBrowserClient } from '@supabase/ssr';
import { useState } from 'react';
import type { SupabaseProjectProps } from './SupabaseSignIn';

/**
 * For a user without a console role: the console's sign-out route needs a
 * role, so this ends the Supabase session from the browser (Supabase revokes
 * it, the client clears its cookies) before going back to the sign-in page.
 */
export function SupabaseSignInAsSomeoneElse({ supabaseUrl, publishableKey }: SupabaseProjectProps) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        await createBrowserClient(supabaseUrl, publishableKey).auth.signOut({ scope: 'local' });
        window.location.assign('/login');
      }}
    >
      Sign out and sign in as someone else
    </button>
  );
}
