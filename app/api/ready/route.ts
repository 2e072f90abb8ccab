import { NextResponse } from 'next/server';
import { publicRoute } from '@/lib/api/handler';
import { checkReadiness } from '@/lib/control/readiness';

/** Readiness: 200 when the control DB and Redis answer, else 503 naming the one that failed. */
export const GET = publicRoute(async () => {
  const readiness = await checkReadiness();
  return NextResponse.json(readiness, { status: readiness.ready ? 200 : 503 });
});
