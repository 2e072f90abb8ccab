/** The fields and button both sign-in forms share (local user name, Supabase email). */
export function CredentialFields({
  userLabel,
  userField,
  userType,
  error,
  pending,
}: {
  userLabel: string;
  userField: string;
  userType: 'text' | 'email';
  error: string | null;
  pending: boolean;
}) {
  return (
    <>
      <label>
        {userLabel}
        <input name={userField} type={userType} autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus />
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
    </>
  );
}
