import { apiRoute } from '@/lib/api/handler';
import { getTenantUsage } from '@/lib/tenants/tenant-usage';

/** A tenant's usage against its tier's limits, with sources; cache and API calls per hour for 24 h. */
export const GET = apiRoute<{ id: string }>('viewer', async ({ params }) => getTenantUsage(params.id));
