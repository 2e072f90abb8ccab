import { z } from 'zod';
import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { getHistory } from '@/lib/history/history-query';
import { HISTORY_RANGES } from '@/lib/history/history-types';

const historyQuery = z.object({
  metric: z.string().min(1, 'required'),
  range: z.enum(HISTORY_RANGES).default('1h'),
  shardId: z.string().min(1).optional(),
  nodeId: z.string().min(1).optional(),
  tenantId: z.uuid('must be a tenant uuid').optional(),
  /** The range ends here instead of now (ISO 8601 with a zone). */
  to: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, e.g. 2026-01-31T12:00:00Z' }).optional(),
});

export const GET = apiRoute('viewer', ({ request }) => getHistory(parseSearchParams(request, historyQuery)));
