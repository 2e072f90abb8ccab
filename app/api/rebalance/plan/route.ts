import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { planRequestSchema } from '@/lib/rebalance/plan-request';
import { planFleetRebalance } from '@/lib/rebalance/rebalance-plan';

/** A dry-run rebalance plan: no side effect, so viewers may plan (running one is admin-only and elsewhere). */
export const POST = apiRoute('viewer', async ({ request }) => planFleetRebalance(await parseJsonBody(request, planRequestSchema)));
