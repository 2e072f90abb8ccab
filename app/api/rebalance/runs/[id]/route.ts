import { apiRoute } from '@/lib/api/handler';
import { getRebalanceRun } from '@/lib/rebalance/move-runs';

/** One rebalance run: its plan and its moves. */
export const GET = apiRoute<{ id: string }>('viewer', async ({ params }) => getRebalanceRun(params.id));
