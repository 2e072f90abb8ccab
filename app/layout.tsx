import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Shardscope',
  description: 'Console for a multi-tenant, sharded PostgreSQL fleet',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, so that Next can put this request's CSP
  // nonce (proxy.ts) on its scripts; a page prerendered at build time (/login,
  // not-found) would carry none and the CSP would refuse its scripts.
  await connection();
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
