import Link from 'next/link';
import type { ReactNode } from 'react';
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
          {session.role === 'admin' ? <Link href="/settings/tiers">Tiers</Link> : null}
          <Link href="/health">Public health</Link>
        </nav>
        <span className="who" data-testid="signed-in-as">
          {session.user} ({session.role}) <SignOutButton />
        </span>
      </div>
      <main>{children}</main>
    </>
  );
}
