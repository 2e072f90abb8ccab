import { formatAge } from '@/lib/history/worker-status-model';
import type { TenantDirectoryPage } from '@/lib/tenants/tenant-model';

function ago(at: string | null): string | null {
  if (!at) return null;
  return `${formatAge(Math.max(0, (Date.now() - Date.parse(at)) / 1000))} ago`;
}

/**
 * Where the list's numbers come from and how old they are: sorting and the
 * limit filters run on the control DB's copy of the counters and the worker's
 * session sample, while the API and cache columns are read live per page.
 */
export function DirectoryFreshness({ page }: { page: TenantDirectoryPage }) {
  const synced = ago(page.countersSyncedAt);
  const sampled = ago(page.sessionsSampledAt);
  return (
    <p className="subtle directory-note" data-testid="directory-freshness">
      Sorting and limit filters use usage {synced ? `synced ${synced}` : 'not synced yet'} and sessions{' '}
      {sampled ? `sampled ${sampled}` : 'not sampled recently (is the worker running?)'}; storage and users are as last measured by the worker.
      API calls and cache on this page are read live from Redis.
    </p>
  );
}

export function CountersUnavailableBanner() {
  return (
    <p className="banner warn" role="status" data-testid="counters-unavailable">
      counters unavailable: Redis did not answer. API calls and cache hit rates are blank; sorting and filters use the last synced numbers.
    </p>
  );
}
