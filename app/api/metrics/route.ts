import type { NextRequest } from 'next/server';
import { publicRoute } from '@/lib/api/handler';
import { assertBearerToken } from '@/lib/auth/bearer-token';
import { getEnv } from '@/lib/env';
import { renderMetricsExposition } from '@/lib/history/prometheus';

/** Prometheus scrape target: no cookie, `Authorization: Bearer $SHARDSCOPE_METRICS_TOKEN`. */
export const GET = publicRoute(async (request: NextRequest) => {
  assertBearerToken(request.headers.get('authorization'), getEnv().SHARDSCOPE_METRICS_TOKEN, 'SHARDSCOPE_METRICS_TOKEN');
  const { contentType, body } = await renderMetricsExposition();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
});
