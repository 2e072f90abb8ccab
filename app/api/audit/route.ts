import { z } from 'zod';
import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { listRecentAudit } from '@/lib/auth/audit';

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** An action prefix: `?action=alert_rule.` lists alert rule changes only. */
  action: z.string().min(1).max(100).optional(),
});

/** The audit log names people and what they did: admins only. */
export const GET = apiRoute('admin', async ({ request }) => {
  const { limit, action } = parseSearchParams(request, auditQuery);
  return { entries: await listRecentAudit(limit, { actionPrefix: action }) };
});
