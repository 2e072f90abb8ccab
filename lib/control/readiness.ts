import { getConnectedRedis } from '@/lib/redis/client';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { getControlPool } from './db';

/** Ready = the dependencies every page needs answer: the control DB and Redis. */
export const CONTROL_PING_SQL = 'select 1';

export interface DependencyCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface Readiness {
  ready: boolean;
  checks: { controlDb: DependencyCheck; redis: DependencyCheck };
}

async function timed(check: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: describeNodeError(error) };
  }
}

export async function checkReadiness(): Promise<Readiness> {
  const [controlDb, redis] = await Promise.all([
    timed(() => getControlPool().query(CONTROL_PING_SQL)),
    timed(async () => (await getConnectedRedis()).ping()),
  ]);
  return { ready: controlDb.ok && redis.ok, checks: { controlDb, redis } };
}
