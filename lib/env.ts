import { z } from 'zod';

/**
 * The one place the server and the worker read their environment. Parsed
 * lazily on first use (never at import time, so `next build` needs no
 * secrets) and once at start (instrumentation.ts for the web, worker/index.ts
 * for the worker), so bad config stops the process with the field named.
 *
 * Two layers: what every process needs to reach the fleet and the history
 * (`getFleetEnv`, enough for the worker), and what only the web console needs
 * on top (sessions, logins, the metrics and app tokens: `getEnv`).
 */
const fleetEnvShape = {
  SHARDSCOPE_FLEET_FILE: z.string().min(1).default('.sandbox/demo/fleet.json'),
  /** Connect and statement timeout for every fleet query: a dead node answers "down" this fast. */
  SHARDSCOPE_NODE_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1500),
  /** Seconds between two samples of every node; the tests use 1-2 s. */
  SHARDSCOPE_SAMPLE_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(15),
  /**
   * Seconds between two measurements of every tenant's storage and users per
   * shard: each is a full pass over the shard's tenant tables, so minutes, not
   * seconds (storage limits move slowly; the e2e tests use 5 s).
   */
  SHARDSCOPE_TENANT_STORAGE_INTERVAL_S: z.coerce.number().int().min(2).max(86_400).default(900),
  /** Seconds between two pg_stat_statements snapshots per primary (windowed deltas need no finer grain). */
  SHARDSCOPE_STATEMENT_SNAPSHOT_INTERVAL_S: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Days of raw samples (and statement snapshots) kept; older day partitions are dropped whole. */
  SHARDSCOPE_RAW_RETENTION_DAYS: z.coerce.number().int().min(1).max(366).default(14),
  /** Days of hourly rollups kept. */
  SHARDSCOPE_ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3660).default(90),
  /** pg-boss's schema in the control database. */
  SHARDSCOPE_JOBS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,49}$/, 'must be a lowercase identifier (letters, digits, underscores)')
    .default('pgboss'),
  /** Jobs one worker runs at once (each job samples one shard: its nodes, pooler and host metrics). */
  SHARDSCOPE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** The console's address as people open it: alert notifications link to their event there. */
  SHARDSCOPE_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://localhost:3000'),
};

const webEnvShape = {
  ...fleetEnvShape,
  SHARDSCOPE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Required with the local provider (checked below); Supabase Auth has no local users. */
  SHARDSCOPE_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SHARDSCOPE_OPERATOR_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SHARDSCOPE_VIEWER_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SHARDSCOPE_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  /** 'local': users in the control DB (the default). 'supabase': Supabase Auth of the platform project. */
  SHARDSCOPE_AUTH_PROVIDER: z.enum(['local', 'supabase']).default('local'),
  /** The platform project's URL (Project Settings → API), e.g. https://abcd.supabase.co; required with Supabase Auth. */
  SHARDSCOPE_SUPABASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL (the project URL, e.g. https://abcd.supabase.co)' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** The project's publishable key (sb_publishable_…, or the legacy anon key): it is sent to browsers, so never a secret key. */
  SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY: z.string().min(20, 'must be the project\'s publishable key').optional(),
  /**
   * The project's legacy JWT secret, for projects still signing with HS256;
   * unset = only tokens signed by the project's asymmetric keys (its JWKS) count.
   */
  SHARDSCOPE_SUPABASE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (the project\'s legacy JWT secret)').optional(),
  /** The `aud` the console accepts: Supabase Auth gives signed-in users 'authenticated'. */
  SHARDSCOPE_SUPABASE_JWT_AUDIENCE: z.string().min(1).default('authenticated'),
  /** OAuth/SSO providers enabled on the project that the sign-in page offers, comma-separated (e.g. "github,google"). */
  SHARDSCOPE_SUPABASE_OAUTH_PROVIDERS: z
    .string()
    .regex(/^\s*[a-z_]+\s*(,\s*[a-z_]+\s*)*$/, 'must be provider names separated by commas, e.g. "github,google"')
    .transform((list) => list.split(',').map((name) => name.trim()))
    .default([]),
  /** A local session unused this long ends (an open console page polls, so it stays in use). */
  SHARDSCOPE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  /** Failed sign-ins allowed per user name and per client address within the window (seed document 001: 5 per 15 min). */
  SHARDSCOPE_SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  SHARDSCOPE_SIGN_IN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** Bearer token Prometheus scrapers send to GET /api/metrics; unset = the endpoint is disabled. */
  SHARDSCOPE_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Read-only bearer token the platform's apps send to GET /api/tenants/:id/route
   * (lib/tenants/routing-client.ts); unset = only signed-in sessions may ask.
   */
  SHARDSCOPE_APP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};

const fleetEnvSchema = z.object(fleetEnvShape);
/** What each provider needs: local users need the first admin's password; Supabase Auth needs the project to talk to. */
const envSchema = z.object(webEnvShape).superRefine((env, context) => {
  const required = (field: keyof typeof webEnvShape, message: string) => {
    if (env[field] === undefined) context.addIssue({ code: 'custom', path: [field], message });
  };
  if (env.SHARDSCOPE_AUTH_PROVIDER === 'local') {
    required('SHARDSCOPE_ADMIN_PASSWORD', 'required with the local auth provider (the first admin\'s password)');
  } else {
    required('SHARDSCOPE_SUPABASE_URL', 'required with SHARDSCOPE_AUTH_PROVIDER=supabase (the project URL)');
    required('SHARDSCOPE_SUPABASE_PUBLISHABLE_KEY', 'required with SHARDSCOPE_AUTH_PROVIDER=supabase (the project\'s publishable key)');
  }
});

export type FleetEnv = z.infer<typeof fleetEnvSchema>;
export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvError';
  }
}

function parseWith<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  // Empty strings count as unset, as in most deploy tools' env editors.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new EnvError(`invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The web console's environment (includes the fleet part). */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseWith(envSchema, source);
}

/** What reaching the fleet and the history needs: enough for the worker, which has no logins. */
export function parseFleetEnv(source: Record<string, string | undefined>): FleetEnv {
  return parseWith(fleetEnvSchema, source);
}

let cached: Env | undefined;
let cachedFleet: FleetEnv | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function getFleetEnv(): FleetEnv {
  cachedFleet ??= parseFleetEnv(process.env);
  return cachedFleet;
}
