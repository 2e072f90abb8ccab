import { getFleetEnv } from '@/lib/env';
import { mapWithConcurrency } from '@/lib/fleet/concurrency';
import type { NodeConfig, ShardConfig } from '@/lib/fleet/fleet-file';
import { describeNodeError } from '@/lib/fleet/node-pools';
import { SingleFlight } from '@/lib/fleet/single-flight';
import { readStatements, type StatementsReading } from '@/lib/monitor/statements-snapshot';
import { addMoments, momentsOf } from './statements-math';
import type { StatementParts } from './top-statements';

/**
 * pg_stat_statements read from the nodes now, for the statements page when
 * no snapshot covers the window yet, for window 'reset' (cumulative since
 * each node's last reset), and for replicas (snapshots are of primaries
 * only). Every node in scope, primaries and replicas, with bounded
 * concurrency; a node that does not answer is reported missing within its
 * deadline, never waited on.
 */

/** Nodes read at once: a 16-node fleet in two rounds, without opening a connection to every node in the same instant. */
export const LIVE_READ_CONCURRENCY = 8;

/**
 * Viewers opening the page within this long of each other share one read of
 * a node (5,000 statements with their texts is a few MB). Short, because an
 * operator who just ran a statement expects to see it.
 */
export const LIVE_READING_TTL_MS = 3000;

/**
 * A node read is two statements in sequence, each bounded by the node
 * timeout (node-pools.ts); this bounds the whole read even if a connection
 * hangs somewhere the driver's timeouts do not reach.
 */
function liveReadDeadlineMs(): number {
  return 2 * getFleetEnv().SHARDSCOPE_NODE_TIMEOUT_MS + 500;
}

const readings = new SingleFlight<StatementsReading>(LIVE_READING_TTL_MS);

export interface LiveTarget {
  shard: ShardConfig;
  node: NodeConfig;
}

export interface MissingNode {
  nodeId: string;
  shardId: string;
  reason: string;
}

export interface LiveNodeReading extends LiveTarget {
  reading: StatementsReading;
}

function withDeadline<T>(work: Promise<T>, deadlineMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms (timed out)`)), deadlineMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Reads every target, at most LIVE_READ_CONCURRENCY at once; the ones that fail are missing, with a short reason. */
export async function readNodesLive(targets: readonly LiveTarget[]): Promise<{ readings: LiveNodeReading[]; missing: MissingNode[] }> {
  const deadlineMs = liveReadDeadlineMs();
  const outcomes = await mapWithConcurrency(targets, LIVE_READ_CONCURRENCY, async (target) => {
    try {
      const reading = await withDeadline(
        readings.run(target.node.id, () => readStatements(target.node)),
        deadlineMs,
      );
      return { ...target, reading };
    } catch (error) {
      return { nodeId: target.node.id, shardId: target.shard.id, reason: describeNodeError(error) };
    }
  });
  return {
    readings: outcomes.filter((outcome): outcome is LiveNodeReading => 'reading' in outcome),
    missing: outcomes.filter((outcome): outcome is MissingNode => !('reading' in outcome)),
  };
}

/**
 * Live readings as statement parts (one per statement, node and user: the
 * entries of the same hash under several queryids, dbs or toplevel values
 * add up) and each node's statement time (top-level only: nested statements
 * are inside their caller's time).
 */
export function partsOfReadings(nodeReadings: readonly LiveNodeReading[]): { statements: Map<string, StatementParts>; nodeTimeMs: Map<string, number> } {
  const statements = new Map<string, StatementParts>();
  const nodeTimeMs = new Map<string, number>();
  for (const { shard, node, reading } of nodeReadings) {
    let nodeTime = 0;
    const partsHere = new Map<string, StatementParts['parts'][number]>();
    for (const entry of reading.statements) {
      if (entry.toplevel) nodeTime += entry.totalExecTimeMs;
      let statement = statements.get(entry.statementHash);
      if (!statement) {
        statement = { statementHash: entry.statementHash, query: entry.query, parts: [] };
        statements.set(entry.statementHash, statement);
      }
      const partKey = `${entry.statementHash}|${entry.username}`;
      const moments = momentsOf(entry);
      const part = partsHere.get(partKey);
      if (part) {
        addMoments(part.moments, moments);
      } else {
        const fresh = { shardId: shard.id, nodeId: node.id, role: node.role, username: entry.username, moments };
        partsHere.set(partKey, fresh);
        statement.parts.push(fresh);
      }
    }
    nodeTimeMs.set(node.id, nodeTime);
  }
  return { statements, nodeTimeMs };
}
