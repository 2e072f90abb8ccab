import { NextResponse } from 'next/server';
import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { listRebalanceRuns, runRequestSchema, startRebalanceRun } from '@/lib/rebalance/move-runs';

/** Rebalance runs, newest first, with their move counts. */
export const GET = apiRoute('viewer', async () => ({ runs: await listRebalanceRuns() }));

/** Run a plan (admin, confirmed, re-checked on the server, audited): 202 with the run's id; workers run its moves. */
export const POST = apiRoute('admin', async ({ request, session }) =>
  NextResponse.json(await startRebalanceRun(await parseJsonBody(request, runRequestSchema), session), { status: 202 }),
);
