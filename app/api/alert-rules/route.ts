import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiRoute, parseJsonBody } from '@/lib/api/handler';
import { parseRuleOverride } from '@/lib/alerts/rule-validation';
import { createAlertRuleOverride, listAlertRules } from '@/lib/alerts/rules-store';

/** Every alert rule (fleet defaults and their overrides) and each metric's label, unit and valid range. */
export const GET = apiRoute('viewer', async () => listAlertRules());

/** Add an override of a metric's fleet rule for one shard or node (admin, audited). */
export const POST = apiRoute('admin', async ({ request, session }) => {
  const rule = await createAlertRuleOverride(parseRuleOverride(await parseJsonBody(request, z.unknown())), session);
  return NextResponse.json({ rule }, { status: 201 });
});
