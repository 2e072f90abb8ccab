import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { readFleetFile, type FleetFile } from '@/lib/fleet/fleet-file';
import { fleetFilePath, sandboxDir } from './sandbox';

/**
 * Worker processes for integration tests: `node --import tsx worker/index.ts`
 * with the test's env, its own pg-boss schema (so tests do not see each
 * other's jobs), and optionally its own fleet file.
 */

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/index.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function stopWorker(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  return worker.exited;
}

/**
 * A fleet file of `count` shards whose nodes are the sandbox's real servers
 * (shard i uses sandbox shard 1 or 2 alternately) under new ids: a fleet
 * bigger than the sandbox, for tests and benchmarks of how work is split.
 */
export function writeWideFleetFile(name: string, count: number, source: FleetFile = readFleetFile(fleetFilePath)): string {
  const shards = Array.from({ length: count }, (_, index) => {
    const template = source.shards[index % source.shards.length];
    const id = `${name}-${index + 1}`;
    return {
      ...template,
      id,
      name: `${name} ${index + 1}`,
      nodes: template.nodes.map((node) => ({ ...node, id: node.id.replace(template.id, id) })),
    };
  });
  const file = path.join(sandboxDir, `fleet-${name}.json`);
  writeFileSync(file, JSON.stringify({ ...source, shards }, null, 2), { mode: 0o600 });
  return file;
}

export async function withControl<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: readFleetFile(fleetFilePath).control.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
