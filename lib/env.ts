import { z } from 'zod';

/**
 * The one place the server reads its environment. Parsed lazily on first use
 * (never at import time, so `next build` needs no secrets) and once at server
 * start by instrumentation.ts, so bad config stops the process with the field named.
 */
const envSchema = z.object({
  SHARDSCOPE_FLEET_FILE: z.string().min(1).default('.sandbox/demo/fleet.json'),
  SHARDSCOPE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  SHARDSCOPE_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters'),
  SHARDSCOPE_OPERATOR_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SHARDSCOPE_VIEWER_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SHARDSCOPE_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  /** Connect and statement timeout for every fleet query: a dead node answers "down" this fast. */
  SHARDSCOPE_NODE_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1500),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings count as unset, as in most deploy tools' env editors.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new EnvError(`invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
