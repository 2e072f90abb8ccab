import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The fleet file: which shards exist, their nodes, their pooler, and where the
 * control plane and Redis live. Topology never lives in code.
 *
 * Strings may contain `${VAR}` placeholders, filled from the environment, so
 * secrets stay out of the file. A missing variable is an error naming it.
 */

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');
const redisUrl = z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL');
const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');

/** Unparsable URLs are the url check's to report (zod runs every check). */
function hasCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** Credentials go in metricsAuth (with ${VAR}), where they are never logged or shown. */
const metricsUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .refine((value) => !hasCredentials(value), 'must not contain credentials (use metricsAuth)');

const nodeSchema = z
  .object({
    id: slug,
    role: z.enum(['primary', 'replica']),
    /** Monitoring connection: a role with pg_monitor, pg_signal_backend and pg_read_all_data (EXPLAIN needs SELECT), nothing more. */
    url: postgresUrl,
    /**
     * Prometheus text endpoint with the host's CPU, memory and filesystems:
     * node_exporter when self-run, or a Supabase project's Metrics API
     * (https://<ref>.supabase.co/customer/v1/privileged/metrics).
     */
    metricsUrl: metricsUrl.optional(),
    /** Basic auth for metricsUrl, the password normally a ${VAR} (Supabase: service_role and the service role key). */
    metricsAuth: z.object({ username: z.string().min(1), password: z.string().min(1) }).optional(),
    /** Filesystem holding the data directory; default '/data' when the endpoint reports it, else '/'. */
    dataMountpoint: z.string().startsWith('/', 'must be an absolute path').optional(),
  })
  .superRefine((node, ctx) => {
    for (const field of ['metricsAuth', 'dataMountpoint'] as const) {
      if (node[field] !== undefined && node.metricsUrl === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'needs metricsUrl' });
      }
    }
  });

const shardSchema = z
  .object({
    id: slug,
    name: z.string().min(1).optional(),
    /** Owner connection to the primary: migrations, seeding, tenant moves. */
    adminUrl: postgresUrl,
    pooler: z
      .object({
        /** Application connections go through here (transaction pooling). */
        url: postgresUrl,
        /** PgBouncer admin console (database "pgbouncer"), a stats user is enough. */
        adminUrl: postgresUrl,
      })
      .optional(),
    nodes: z.array(nodeSchema).min(1),
  })
  .superRefine((shard, ctx) => {
    const primaries = shard.nodes.filter((node) => node.role === 'primary').length;
    if (primaries !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['nodes'],
        message: `must have exactly one primary, found ${primaries}`,
      });
    }
  });

export const fleetFileSchema = z
  .object({
    version: z.literal(1),
    control: z.object({ url: postgresUrl }),
    redis: z.object({ url: redisUrl }),
    shards: z.array(shardSchema).min(1),
  })
  .superRefine((fleet, ctx) => {
    const shardIds = new Set<string>();
    const nodeIds = new Set<string>();
    fleet.shards.forEach((shard, shardIndex) => {
      if (shardIds.has(shard.id)) {
        ctx.addIssue({ code: 'custom', path: ['shards', shardIndex, 'id'], message: `duplicate shard id "${shard.id}"` });
      }
      shardIds.add(shard.id);
      shard.nodes.forEach((node, nodeIndex) => {
        if (nodeIds.has(node.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['shards', shardIndex, 'nodes', nodeIndex, 'id'],
            message: `duplicate node id "${node.id}"`,
          });
        }
        nodeIds.add(node.id);
      });
    });
  });

export type FleetFile = z.infer<typeof fleetFileSchema>;
export type ShardConfig = FleetFile['shards'][number];
export type NodeConfig = ShardConfig['nodes'][number];
export type NodeRole = NodeConfig['role'];

export class FleetFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetFileError';
  }
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${VAR}` in every string of a parsed JSON value; names the JSON path of a missing variable. */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  path: string[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_whole, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) {
        throw new FleetFileError(`fleet file: ${path.join('.') || '(root)'} uses \${${name}}, which is not set`);
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, [...path, String(index)]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key])]),
    );
  }
  return value;
}

/** Parses fleet-file text; every problem is reported with the field's path. */
export function parseFleetFile(text: string, env: Record<string, string | undefined> = process.env): FleetFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FleetFileError(`fleet file: not valid JSON (${(error as Error).message})`);
  }
  const result = fleetFileSchema.safeParse(interpolateEnv(raw, env));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new FleetFileError(`fleet file: ${problems.join('; ')}`);
  }
  return result.data;
}

export function readFleetFile(filePath: string, env: Record<string, string | undefined> = process.env): FleetFile {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new FleetFileError(`fleet file: cannot read ${filePath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseFleetFile(text, env);
}
