import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { getStatementDetail } from '@/lib/statements/statement-detail';
import { statementDetailQuerySchema, statementPathSchema } from '@/lib/statements/statements-params';

/** One statement over a range: figures for the fleet, per shard and node, a series per snapshot interval, its parameter count. */
export const GET = apiRoute<{ statementHash: string }>('viewer', async ({ request, params }) => {
  const { statementHash } = statementPathSchema.parse(params);
  const { range } = parseSearchParams(request, statementDetailQuerySchema);
  return getStatementDetail(statementHash, range);
});
