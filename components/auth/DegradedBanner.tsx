import type { Session } from '@/lib/auth/session';

/**
 * Said on every console page while the control DB does not answer: the pages
 * still read the fleet, but who is signed in comes from the cookie alone and
 * every change is refused (it could not be audited).
 */
export function DegradedBanner({ session }: { session: Session }) {
  if (!session.degraded) return null;
  return (
    <p className="banner warn" role="status" data-testid="degraded-banner">
      Control database unavailable: read-only. Signed in as {session.user} ({session.role}) from the session cookie; changes are refused until it is
      back.
    </p>
  );
}
