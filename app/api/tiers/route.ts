import { apiRoute } from '@/lib/api/handler';
import { listTiers } from '@/lib/tenants/tiers';

/** The four tiers and their per-tenant limits. */
export const GET = apiRoute('viewer', async () => ({ tiers: await listTiers() }));
