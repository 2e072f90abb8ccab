'use client';

import { postJson } from '@/lib/api/client';

export function SignOutButton() {
  return (
    <button
      className="link"
      onClick={async () => {
        await postJson('/api/auth/logout', {}).catch(() => {});
        window.location.assign('/login');
      }}
    >
      Sign out
    </button>
  );
}
