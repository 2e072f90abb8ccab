/** A generated password, shown once after the save that set it: the console keeps only its hash. */
export function OneTimePassword({ user, password }: { user: string; password: string }) {
  return (
    <p className="one-time-password" role="status">
      New password for {user} (shown this once, copy it now): <code data-testid="one-time-password">{password}</code>
    </p>
  );
}
