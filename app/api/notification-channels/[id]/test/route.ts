import { apiRoute } from '@/lib/api/handler';
import { sendTestMessage } from '@/lib/alerts/channels-store';

/** Send a test message to the channel now (admin, audited): `{ ok, statusCode, error, durationMs }`. */
export const POST = apiRoute<{ id: string }>('admin', async ({ session, params }) => sendTestMessage(params.id, session));
