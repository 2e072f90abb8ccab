import { apiRoute } from '@/lib/api/handler';
import { listChannelDeliveries } from '@/lib/alerts/deliveries';

/** The channel's delivery log, newest first (admin): status, status code, attempts, last error. */
export const GET = apiRoute<{ id: string }>('admin', async ({ params }) => ({ deliveries: await listChannelDeliveries(params.id) }));
