import { NextResponse } from 'next/server';
import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { moveRequestSchema, startTenantMove } from '@/lib/rebalance/move-api';

/** Move a tenant to another shard (admin, confirmed, audited): 202 with the queued move's id; a worker runs it. */
export const POST = apiRoute<{ id: string }>('admin', async ({ request, session, params }) =>
  NextResponse.json(await startTenantMove(params.id, await parseJsonBody(request, moveRequestSchema), session), { status: 202 }),
);
