import { z } from 'zod';
import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { parseRulePatch } from '@/lib/alerts/rule-validation';
import { deleteAlertRuleOverride, updateAlertRule } from '@/lib/alerts/rules-store';

/** Edit a rule's thresholds, `for` or enabled flag (admin, audited with before and after). */
export const PUT = apiRoute<{ id: string }>('admin', async ({ request, session, params }) =>
  updateAlertRule(params.id, parseRulePatch(await parseJsonBody(request, z.unknown())), session),
);

/** Remove an override (admin, audited); a fleet default can only be disabled. */
export const DELETE = apiRoute<{ id: string }>('admin', async ({ session, params }) => ({
  deleted: await deleteAlertRuleOverride(params.id, session),
}));
