import { z } from 'zod';
import {
  DEFAULT_STATEMENT_LIMIT,
  DEFAULT_STATEMENT_SORT,
  DEFAULT_STATEMENT_WINDOW,
  MAX_STATEMENT_LIMIT,
  STATEMENT_RANGES,
  STATEMENT_SORTS,
  STATEMENT_WINDOWS,
  type StatementRange,
} from './statements-model';

/**
 * GET /api/queries's query string and GET /api/queries/:statementHash's
 * parameters. A window, sort or range outside its allowlist is a 400 naming
 * the field (the handler wrapper turns the first zod issue into it); an
 * unknown shard, node or statement is a 404 from the lib call.
 */

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');

/** Longer searches are pasted statements: the start of one finds it. */
const MAX_SEARCH_CHARS = 200;

/** An empty `q=` or `user=` (a cleared search box) means no filter. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .optional()
    .transform((value) => (value ? value : undefined));

export const statementsQuerySchema = z
  .object({
    window: z.enum(STATEMENT_WINDOWS).default(DEFAULT_STATEMENT_WINDOW),
    sort: z.enum(STATEMENT_SORTS).default(DEFAULT_STATEMENT_SORT),
    shardId: slug.optional(),
    nodeId: slug.optional(),
    /** The role that ran the statements (pg_stat_statements' userid), exactly. */
    user: optionalText(63),
    q: optionalText(MAX_SEARCH_CHARS),
    /** Capped at MAX_STATEMENT_LIMIT rather than refused: a page asking for more gets the most there is. */
    limit: z.coerce
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .default(DEFAULT_STATEMENT_LIMIT)
      .transform((limit) => Math.min(limit, MAX_STATEMENT_LIMIT)),
  })
  .strict();

export type StatementsQuery = z.infer<typeof statementsQuerySchema>;

/** md5 of the normalized text, as the snapshots and the live reads name statements. */
export const statementHashSchema = z.string().regex(/^[0-9a-f]{32}$/, 'must be a statement hash (32 lowercase hex digits)');

export const statementPathSchema = z.object({ statementHash: statementHashSchema });

export const DEFAULT_STATEMENT_RANGE: StatementRange = '24h';

export const statementDetailQuerySchema = z
  .object({
    range: z.enum(STATEMENT_RANGES).default(DEFAULT_STATEMENT_RANGE),
  })
  .strict();

export type StatementDetailQuery = z.infer<typeof statementDetailQuerySchema>;
