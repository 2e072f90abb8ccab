import { jsonWithEtag } from '@/lib/api/etag';
import { sessionOrTokenRoute } from '@/lib/api/token-route';
import { getEnv } from '@/lib/env';
import { getTenantRoute } from '@/lib/tenants/tenant-route';

/**
 * Where a tenant's writes and reads go (host, port, database; never
 * credentials), for a signed-in viewer or an app sending
 * `Authorization: Bearer $SHARDSCOPE_APP_TOKEN`. Strong ETag, 304 on a
 * matching If-None-Match: the routing client (lib/tenants/routing-client.ts)
 * revalidates this way.
 */
export const GET = sessionOrTokenRoute<{ id: string }>(
  { variable: 'SHARDSCOPE_APP_TOKEN', value: () => getEnv().SHARDSCOPE_APP_TOKEN },
  async ({ request, params }) => jsonWithEtag(await getTenantRoute(params.id), request.headers.get('if-none-match')),
);
