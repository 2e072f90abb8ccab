import { TierEditor } from '@/components/tiers/TierEditor';
import { requirePageSession } from '@/lib/auth/guard';

export default async function TierSettingsPage() {
  const session = await requirePageSession('viewer');
  return (
    <>
      <h1>Tier limits</h1>
      {session.role === 'admin' ? (
        <>
          <p className="subtle">
            The four per-tenant limits of each tier. A preview shows how many of the tier&apos;s tenants the new limits would put at or over a limit before
            you save; every save is audited with the limits before and after.
          </p>
          <TierEditor />
        </>
      ) : (
        <p className="banner warn" role="alert" data-testid="admins-only">
          Admins only: tier limits can be changed by an admin. You are signed in as {session.user} ({session.role}).
        </p>
      )}
    </>
  );
}
