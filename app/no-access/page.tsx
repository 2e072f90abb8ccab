import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { SupabaseSignInAsSomeoneElse } from '@/components/auth/SupabaseSignInAsSomeoneElse';
import { supabaseAuthConfig } from '@/lib/auth/supabase/supabase-config';
import { NO_ROLE_MESSAGE, readSupabaseAccess } from '@/lib/auth/supabase/supabase-session';
import { getEnv } from '@/lib/env';

/**
 * Signed in through Supabase Auth, but no console role. Not a console page
 * (those need a role): it checks the session itself, and the proxy lets it
 * through because a Supabase session exists.
 */
export default async function NoAccessPage() {
  if (getEnv().SHARDSCOPE_AUTH_PROVIDER !== 'supabase') redirect('/');
  const access = await readSupabaseAccess(await cookies());
  if (access.kind === 'signed-in') redirect('/');
  if (access.kind === 'signed-out') redirect('/login');
  const config = supabaseAuthConfig();
  return (
    <main className="login card">
      <h1>No access</h1>
      <p data-testid="no-access-message">{NO_ROLE_MESSAGE}</p>
      <p className="subtle">
        Signed in as <strong>{access.user}</strong>. An admin of the Supabase project sets the role on that user (see the README, “Supabase Auth”), then
        you reload this page.
      </p>
      <SupabaseSignInAsSomeoneElse supabaseUrl={config.url} publishableKey={config.publishableKey} />
    </main>
  );
}
