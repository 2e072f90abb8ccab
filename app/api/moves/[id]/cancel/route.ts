import { NextResponse } from 'next/server';
import { apiRoute } from '@/lib/api/handler';
import { cancelTenantMove } from '@/lib/rebalance/move-api';

/** Cancel a move before its switch (admin, audited): 202; after the switch, 409 (a move back is a new move). */
export const POST = apiRoute<{ id: string }>('admin', async ({ session, params }) =>
  NextResponse.json(await cancelTenantMove(params.id, session), { status: 202 }),
);
