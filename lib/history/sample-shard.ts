import { getControlPool } from '@/lib/control/db';
import { getFleetEnv } from '@/lib/env';
import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { collectHostMetrics } from '@/lib/monitor/host-metrics';
import { readNodeSample } from '@/lib/monitor/node-sample';
import { readPoolerSample } from '@/lib/monitor/pooler-sample';
import { toSampleRows, type HostSampleResult } from './sample-rows';
import { insertSamples, type InsertReport } from './samples-store';

/**
 * One sampling job: every node of one shard, its PgBouncer and its nodes'
 * host metrics, read in parallel (each bounded by the node timeout), then one
 * multi-row insert. A shard is the unit of work because replica lag needs the
 * primary's WAL position read in the same round.
 */

/** Host metrics per node; nodes sharing one endpoint (one exporter per machine) cost one fetch. */
async function readHosts(nodes: readonly NodeConfig[], timeoutMs: number): Promise<Map<string, HostSampleResult>> {
  const byUrl = new Map<string, ReturnType<typeof collectHostMetrics>>();
  const hosts = new Map<string, HostSampleResult>();
  await Promise.all(
    nodes.map(async (node) => {
      if (!node.metricsUrl) return;
      const key = `${node.metricsUrl}|${node.metricsAuth?.username ?? ''}|${node.dataMountpoint ?? ''}`;
      let pending = byUrl.get(key);
      if (!pending) {
        pending = collectHostMetrics(
          { metricsUrl: node.metricsUrl, metricsAuth: node.metricsAuth, dataMountpoint: node.dataMountpoint },
          timeoutMs,
        );
        byUrl.set(key, pending);
      }
      const result = await pending;
      hosts.set(node.id, result.up ? { up: true, values: { ...result.values } } : { up: false, error: result.error });
    }),
  );
  return hosts;
}

export interface ShardSampleReport extends InsertReport {
  shardId: string;
  at: string;
  nodesDown: number;
  durationMs: number;
}

export async function sampleShard(shard: ShardConfig, at: Date, workerId: string | null): Promise<ShardSampleReport> {
  const started = performance.now();
  const env = getFleetEnv();
  const readAt = new Date();
  const [nodeResults, pooler, hosts] = await Promise.all([
    Promise.all(shard.nodes.map((node) => readNodeSample(node, env.SHARDSCOPE_SAMPLE_INTERVAL_S))),
    readPoolerSample(shard),
    readHosts(shard.nodes, env.SHARDSCOPE_NODE_TIMEOUT_MS),
  ]);
  const nodes = new Map(shard.nodes.map((node, index) => [node.id, nodeResults[index]]));
  const rows = toSampleRows({ shard, at, readAt, nodes, pooler, hosts });
  const report = await insertSamples(getControlPool(), rows, workerId);
  return {
    ...report,
    shardId: shard.id,
    at: at.toISOString(),
    nodesDown: nodeResults.filter((result) => !result.up).length,
    durationMs: Math.round(performance.now() - started),
  };
}
