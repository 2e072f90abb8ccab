import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/LoginForm';
import { SupabaseSignIn } from '@/components/auth/SupabaseSignIn';
import { supabaseAuthConfig } from '@/lib/auth/supabase/supabase-config';
import { readSupabaseAccess } from '@/lib/auth/supabase/supabase-session';
import { getEnv } from '@/lib/env';

export default async function LoginPage(props: { searchParams: Promise<{ error?: string | string[] }> }) {
  if (getEnv().SHARDSCOPE_AUTH_PROVIDER !== 'supabase') {
    return (
      <main className="login card">
        <h1>Shardscope</h1>
        <p className="subtle">Sign in to the fleet console.</p>
        <LoginForm />
      </main>
    );
  }
  // Pages send a signed-in user without a console role here (no session): tell them why instead of asking them to sign in again.
  if ((await readSupabaseAccess(await cookies())).kind === 'no-role') redirect('/no-access');
  const config = supabaseAuthConfig();
  const { error } = await props.searchParams;
  return (
    <main className="login card">
      <h1>Shardscope</h1>
      <p className="subtle">Sign in to the fleet console with your Supabase account.</p>
      <SupabaseSignIn
        supabaseUrl={config.url}
        publishableKey={config.publishableKey}
        oauthProviders={config.oauthProviders}
        signInFailed={error !== undefined}
      />
    </main>
  );
}
