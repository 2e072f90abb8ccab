import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { channelUpdateSchema } from '@/lib/alerts/channel-validation';
import { deleteChannel, updateChannel } from '@/lib/alerts/channels-store';

/** Edit a channel (admin, audited); no url keeps the saved one. */
export const PUT = apiRoute<{ id: string }>('admin', async ({ request, session, params }) =>
  updateChannel(params.id, await parseJsonBody(request, channelUpdateSchema), session),
);

/** Delete a channel and its delivery log (admin, audited). */
export const DELETE = apiRoute<{ id: string }>('admin', async ({ session, params }) => deleteChannel(params.id, session));
