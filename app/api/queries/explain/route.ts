import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { explainRequestSchema, explainStatement } from '@/lib/statements/explain';

/** EXPLAIN a statement on one node: operators and admins; with `analyze` (the statement runs), admins only. */
export const POST = apiRoute('operator', async ({ request, session }) => {
  const explainRequest = await parseJsonBody(request, explainRequestSchema);
  return explainStatement(explainRequest, session);
});
