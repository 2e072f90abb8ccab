import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { statementsQuerySchema } from '@/lib/statements/statements-params';
import { getStatementsReport } from '@/lib/statements/statements-report';

/** Top statements of a window across the fleet, merged by statement, per shard and node, outlier shards flagged. */
export const GET = apiRoute('viewer', async ({ request }) => getStatementsReport(parseSearchParams(request, statementsQuerySchema)));
