import { apiRoute } from '@/lib/api/handler';
import { getTenantMove } from '@/lib/rebalance/move-read';

/** One tenant move: phase, status, progress, write-block window, verification, error. */
export const GET = apiRoute<{ id: string }>('viewer', async ({ params }) => getTenantMove(params.id));
