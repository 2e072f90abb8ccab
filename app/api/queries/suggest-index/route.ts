import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { suggestIndex, suggestIndexRequestSchema } from '@/lib/statements/index-suggestion';

/**
 * A HypoPG index suggestion for one stored statement on one node. Operators
 * and admins: it runs the operator's parameter values through the planner on
 * a fleet node (plan only, read-only, nothing executed).
 */
export const POST = apiRoute('operator', async ({ request }) => suggestIndex(await parseJsonBody(request, suggestIndexRequestSchema)));
