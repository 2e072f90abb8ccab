import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { tierImpactQuerySchema } from '@/lib/tenants/tier-validation';
import { tierImpact } from '@/lib/tenants/tiers';

/** Preview of a tier edit: how many of its tenants would be at or over the proposed limits. */
export const GET = apiRoute<{ tier: string }>('viewer', async ({ request, params }) =>
  tierImpact(params.tier, parseSearchParams(request, tierImpactQuerySchema)),
);
