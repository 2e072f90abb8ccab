import { z } from 'zod';
import { BALANCE_WINDOWS, DEFAULT_BALANCE_WINDOW } from './balance-url-view';
import { DEFAULT_BYTES_WEIGHT, DEFAULT_DIMENSION, DEFAULT_THRESHOLD_PCT, DIMENSIONS, PLAN_MODES, type PlanRequest } from './rebalance-model';

/**
 * GET /api/balance's query and POST /api/rebalance/plan's body. Anything
 * unknown or out of range is a 400 naming the field (the handler wrapper
 * turns the first zod issue into it).
 */

export const balanceQuerySchema = z
  .object({
    window: z.enum(BALANCE_WINDOWS).default(DEFAULT_BALANCE_WINDOW),
    dimension: z.enum(DIMENSIONS).default(DEFAULT_DIMENSION),
  })
  .strict();

export type BalanceQuery = z.infer<typeof balanceQuerySchema>;

const shardIdShape = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a shard id (lowercase letters, digits and dashes)');

export const planRequestSchema = z
  .object({
    mode: z.enum(PLAN_MODES).default('balance'),
    dimension: z.enum(DIMENSIONS).default(DEFAULT_DIMENSION),
    thresholdPct: z.number().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').default(DEFAULT_THRESHOLD_PCT),
    /** A cap on bytes this plan moves; omitted or null: no cap. */
    maxBytes: z.number().int('must be a whole number of bytes').positive('must be more than 0').nullable().default(null),
    /** drain: the shard to empty; fill: the shard to fill. Ignored by balance. */
    shardId: shardIdShape.nullable().default(null),
    /** Share of bytes in the mixed dimension (load gets the rest). */
    bytesWeight: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(DEFAULT_BYTES_WEIGHT),
    /** The window the tenants' load is summed over (the balance page's). */
    window: z.enum(BALANCE_WINDOWS).default(DEFAULT_BALANCE_WINDOW),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.mode !== 'balance' && body.shardId === null) {
      ctx.addIssue({ code: 'custom', path: ['shardId'], message: `the shard to ${body.mode === 'drain' ? 'drain' : 'fill'} is required` });
    }
  });

export type PlanRequestBody = z.infer<typeof planRequestSchema>;

/** The planner's request from a parsed body: balance plans name no shard. */
export function toPlanRequest(body: PlanRequestBody): PlanRequest {
  return {
    mode: body.mode,
    dimension: body.dimension,
    thresholdPct: body.thresholdPct,
    maxBytes: body.maxBytes,
    shardId: body.mode === 'balance' ? null : body.shardId,
    bytesWeight: body.bytesWeight,
  };
}
