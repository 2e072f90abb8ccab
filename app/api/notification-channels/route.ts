import { NextResponse } from 'next/server';
import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { channelCreateSchema } from '@/lib/alerts/channel-validation';
import { createChannel, listChannels } from '@/lib/alerts/channels-store';

/** Where alert notifications go (admin): the URL is a secret, so each channel shows its host only. */
export const GET = apiRoute('admin', async () => ({ channels: await listChannels() }));

/** Add a channel (admin, audited). */
export const POST = apiRoute('admin', async ({ request, session }) =>
  NextResponse.json(await createChannel(await parseJsonBody(request, channelCreateSchema), session), { status: 201 }),
);
