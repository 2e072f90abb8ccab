import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { tierUpdateSchema } from '@/lib/tenants/tier-validation';
import { updateTier } from '@/lib/tenants/tiers';

/** Edit a tier's four limits (admin, audited with before and after). */
export const PUT = apiRoute<{ tier: string }>('admin', async ({ request, session, params }) =>
  updateTier(params.tier, await parseJsonBody(request, tierUpdateSchema), session),
);
