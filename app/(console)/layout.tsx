import Link from 'next/link';
import type { ReactNode } from 'react';
import { FiringBadge } from '@/components/alerts/FiringBadge';
import { DegradedBanner } from '@/components/auth/DegradedBanner';
import { SignOutButton } from '@/components/auth/SignOutButton';
import { requirePageSession } from '@/lib/auth/guard';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await requirePageSession('viewer');
  return (
    <>
      <div className="topbar">
        <span className="brand">Shardscope</span>
        <nav>
          <Link href="/">Fleet</Link>
          <Link href="/tenants">Tenants</Link>
          <Link href="/balance">Balance</Link>
          <Link href="/queries">Queries</Link>
          <Link href="/alerts" className="nav-alerts">
            Alerts <FiringBadge />
          </Link>
          {session.role === 'admin' ? (
            <>
              <Link href="/settings/tiers">Tiers</Link>
              <Link href="/settings/alerts">Alert rules</Link>
              <Link href="/settings/notifications">Notifications</Link>
              <Link href="/users">Users</Link>
              <Link href="/audit">Audit</Link>
            </>
          ) : null}
          <Link href="/health">Public health</Link>
        </nav>
        <span className="who" data-testid="signed-in-as">
          {session.user} ({session.role}) <SignOutButton />
        </span>
      </div>
      <main>
        <DegradedBanner session={session} />
        {children}
      </main>
    </>
  );
}
