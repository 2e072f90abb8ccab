import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { getTenantDetail, tenantUpdateSchema, updateTenant } from '@/lib/tenants/tenant-detail';

/** One tenant: identity, tier and its limits. */
export const GET = apiRoute<{ id: string }>('viewer', async ({ params }) => getTenantDetail(params.id));

/** Change a tenant's tier or pin it (admin, audited with before and after). */
export const PATCH = apiRoute<{ id: string }>('admin', async ({ request, session, params }) =>
  updateTenant(params.id, await parseJsonBody(request, tenantUpdateSchema), session),
);
