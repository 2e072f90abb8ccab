import { z } from 'zod';

/**
 * The audit log's filter as `GET /api/audit` takes it. An empty parameter
 * (`?actor=`) means "any", as a plain HTML form sends it.
 */

export const AUDIT_RESULTS = ['ok', 'refused', 'failed'] as const;

/** Largest bigint: an `after` beyond it would be a driver error (a 500), not a 400. */
const MAX_AUDIT_ID = 9_223_372_036_854_775_807n;

const blankAsAbsent = (value: unknown) => (value === '' ? undefined : value);

/** Postgres text cannot hold NUL: refused here as a 400, not by the driver as a 500. */
const optionalText = (max: number) =>
  z.preprocess(blankAsAbsent, z.string().trim().min(1).max(max).refine((text) => !text.includes('\u0000'), 'must not contain a NUL character').optional());

const optionalTimestamp = z.preprocess(
  blankAsAbsent,
  z.iso
    .datetime({ offset: true, error: 'an ISO timestamp with a zone, e.g. 2026-12-01T09:00:00Z' })
    // Postgres has no year 0 (1 BC comes before 1 AD): its "out of range" would be a 500.
    .refine((timestamp) => !timestamp.startsWith('0000'), 'year 0000 does not exist')
    .optional(),
);

const auditId = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, { error: 'the id of the last row of the previous page', abort: true })
  .refine((id) => BigInt(id) <= MAX_AUDIT_ID, 'the id of the last row of the previous page');

export const auditFilterShape = {
  /** Exact user name. */
  actor: optionalText(200),
  /** An action prefix: `alert_rule.` is every alert rule change, `auth.` every sign-in. */
  action: optionalText(100),
  /** A piece of the target, any case. */
  target: optionalText(500),
  result: z.preprocess(blankAsAbsent, z.enum(AUDIT_RESULTS).optional()),
  /** Inclusive. */
  from: optionalTimestamp,
  /** Exclusive. */
  to: optionalTimestamp,
  /** Keyset cursor: rows older than this id (the previous page's last row). */
  after: z.preprocess(blankAsAbsent, auditId.optional()),
};

function fromNotAfterTo(query: { from?: string; to?: string }, context: z.RefinementCtx): void {
  if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
    context.addIssue({ code: 'custom', path: ['from'], message: 'must not be later than to' });
  }
}

export const auditFilterSchema = z.object(auditFilterShape).superRefine(fromNotAfterTo);

export const auditQuerySchema = z
  .object({
    ...auditFilterShape,
    limit: z.preprocess(blankAsAbsent, z.coerce.number().int().min(1).max(500).default(100)),
    format: z.preprocess(blankAsAbsent, z.enum(['json', 'csv']).default('json')),
  })
  .superRefine(fromNotAfterTo);

export type AuditFilter = z.infer<typeof auditFilterSchema>;
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** The filter without its cursor: what an export or a "back to newest" link keeps. */
export function withoutCursor({ after: _after, ...filter }: AuditFilter): AuditFilter {
  return filter;
}

/** Query-string form of a filter, only the parameters set (stable order: the filter's own). */
export function auditFilterSearch(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(auditFilterShape) as (keyof AuditFilter)[]) {
    const value = filter[key];
    if (value !== undefined) search.set(key, value);
  }
  for (const [key, value] of Object.entries(extra)) search.set(key, value);
  return search.toString();
}
