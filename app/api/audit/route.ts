import { apiRoute, parseSearchParams } from '@/lib/api/handler';
import { auditQuerySchema } from '@/lib/audit/audit-filter';
import { exportAuditCsv } from '@/lib/audit/audit-export';
import { listAuditPage } from '@/lib/audit/audit-log';

/**
 * The audit log names people and what they did: admins only. One page of
 * JSON (`after` continues it), or with `format=csv` the whole filter as a file.
 */
export const GET = apiRoute('admin', async ({ request, session }) => {
  const { limit, format, ...filter } = parseSearchParams(request, auditQuerySchema);
  if (format === 'csv') return exportAuditCsv(filter, session);
  return listAuditPage(filter, limit);
});
