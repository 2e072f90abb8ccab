// Demo traffic against the fleet named by SHARDSCOPE_FLEET_FILE, through each shard's PgBouncer,
// until SIGINT/SIGTERM or --duration SECONDS. Flags: --concurrency N (6), --qps N (25).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runDemoLoad } from '@/lib/demo/load';
import { readTenantDirectory } from '@/lib/demo/tenant-directory';
import { readFleetFile } from '@/lib/fleet/fleet-file';

const { values } = parseArgs({ options: { concurrency: { type: 'string' }, qps: { type: 'string' }, duration: { type: 'string' } } });
const concurrency = values.concurrency === undefined ? 6 : Number(values.concurrency);
const targetQps = values.qps === undefined ? 25 : Number(values.qps);
const durationSeconds = values.duration === undefined ? undefined : Number(values.duration);
if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive integer');
if (!(targetQps > 0)) throw new Error('--qps must be a positive number');
if (durationSeconds !== undefined && !(durationSeconds > 0)) throw new Error('--duration must be a positive number of seconds');

// Progress on stdout; outages and failures on stderr, which `npm run demo` shows while hiding stdout.
const say = (line: string) => console.log(`[load] ${line}`);
const warn = (line: string) => console.error(`[load] ${line}`);
const fleet = readFleetFile(path.resolve(process.env.SHARDSCOPE_FLEET_FILE ?? '.sandbox/demo/fleet.json'));
const directory = await readTenantDirectory(fleet);
if (directory.tenants.length === 0) throw new Error('no active tenants in the control plane: run `npm run seed` first');
if (directory.uncountedShards.length) warn(`could not size tenants on ${directory.uncountedShards.join(', ')}; using tier averages`);

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
if (durationSeconds !== undefined) setTimeout(() => stop.abort(), durationSeconds * 1000).unref();

const schemaTenants = directory.tenants.filter((tenant) => tenant.schemaName !== null).length;
say(`${directory.tenants.length} tenants (${schemaTenants} in their own schema), ${concurrency} sessions at up to ${targetQps} q/s${durationSeconds ? ` for ${durationSeconds} s` : ' until stopped'}`);
const started = Date.now();
const summary = await runDemoLoad(fleet, directory.tenants, { signal: stop.signal, concurrency, targetQps, log: warn });
const seconds = (Date.now() - started) / 1000;
const refusedTenants = Object.entries(summary.rateLimitedTenantsByTier).map(([tier, count]) => `${tier} ${count}`).join(', ');
console.log(
  `load: ${summary.queries} queries in ${seconds.toFixed(0)} s (${(summary.queries / seconds).toFixed(1)}/s), ${summary.errors} errors, ` +
    `${summary.slowQueries} slow queries (${summary.unindexedSearches} unindexed searches), ${summary.idleInTransactionSessions} idle-in-transaction sessions, ${summary.sessions} tenant sessions`,
);
console.log(
  `api limits: ${summary.rateLimitedCalls} API calls refused (429) in ${summary.rateLimitedOperations} requests, ` +
    `tenants refused: ${refusedTenants || 'none'}`,
);
