import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { getBalanceReport } from '@/lib/rebalance/balance-report';
import { balanceQuerySchema } from '@/lib/rebalance/plan-request';

/** Shard balance: per-shard bytes, load and connections over a window, skew, capacity notes, the placement rule. */
export const GET = apiRoute('viewer', async ({ request }) => getBalanceReport(parseSearchParams(request, balanceQuerySchema)));
