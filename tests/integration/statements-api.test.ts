import { NextRequest } from 'next/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as statementsRoute } from '@/app/api/queries/route';
import { GET as statementRoute } from '@/app/api/queries/[statementHash]/route';
import { getControlPool } from '@/lib/control/db';
import type { ShardConfig } from '@/lib/fleet/fleet-file';
import { getFleet } from '@/lib/fleet/topology';
import { snapshotStatements } from '@/lib/history/statement-snapshots';
import type { StatementDetail, StatementFigures, StatementRow, StatementsReport } from '@/lib/statements/statements-model';
import { CONSOLE_HOST, sessionCookie } from './console-requests';
import { eventually, nodePort, sandbox, withSuperuser } from './sandbox';

/**
 * The statements page's API against the sandbox fleet: a statement the app
 * runs through PgBouncer on both shards is one row with each shard's calls,
 * from the worker's snapshots (taken here in-process with the worker's own
 * function) or read live when no snapshot covers the window yet; a stats
 * reset in the middle leaves no negative number; bad input and a dead
 * replica get answers, not 500s.
 */

/**
 * The statement the "app" runs: its alias marks the text; queryid differs per shard, the text does not.
 * Bound parameters only, so pg_stat_statements keeps the text as sent (it would turn a constant into $3).
 */
const KNOWN_STATEMENT = 'select $1::bigint * $2::bigint as statements_api_known';
const MARKER = 'statements_api_known';

async function runThroughPooler(shard: ShardConfig, times: number): Promise<void> {
  const client = new pg.Client({ connectionString: shard.pooler!.url });
  await client.connect();
  try {
    for (let index = 0; index < times; index++) await client.query(KNOWN_STATEMENT, [index, 2]);
  } finally {
    await client.end();
  }
}

/** The calls pg_stat_statements itself has for the known statement on a shard's primary (as psql would show). */
async function callsOnPrimary(shardNumber: number): Promise<number> {
  return withSuperuser(nodePort(shardNumber, 'primary'), async (client) => {
    const { rows } = await client.query(`select coalesce(sum(calls), 0)::int as calls from pg_stat_statements where query = $1`, [KNOWN_STATEMENT]);
    return rows[0].calls as number;
  });
}

async function get<T>(path: string, route: typeof statementsRoute | typeof statementRoute, params: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const request = new NextRequest(`http://${CONSOLE_HOST}${path}`, { headers: { host: CONSOLE_HOST, cookie: sessionCookie('viewer') } });
  const response = await (route as (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>)(request, {
    params: Promise.resolve(params),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const knownRows = (report: StatementsReport): StatementRow[] => report.rows.filter((row) => row.query.includes(MARKER));
const callsPerShard = (row: StatementRow) => Object.fromEntries(row.shards.map((shard) => [shard.shardId, shard.calls]));

/** Every counter of a figure, which must never be negative. */
function counters(figures: StatementFigures): number[] {
  return [figures.calls, figures.totalTimeMs, figures.rows, figures.sharedBlksHit, figures.sharedBlksRead, figures.ioTimeMs, figures.tempBlks, figures.walBytes];
}

/** Whole seconds, so two snapshots a second apart never share a slot. */
const wholeSecond = (at: number) => new Date(Math.floor(at / 1000) * 1000);

describe('statements API', () => {
  const [shardOne, shardTwo] = getFleet().shards;
  /** A snapshot 20 minutes ago: before the 15 min window, its baseline. */
  const baselineAt = wholeSecond(Date.now() - 20 * 60_000);
  const LIVE_CALLS = 7;
  const WINDOW_CALLS = 5;
  let statementHash = '';

  beforeAll(async () => {
    // Start from no snapshot at all (other files of the run may have taken some): "no snapshot covers the window" is then true.
    await getControlPool().query('truncate statement_snapshots, statement_snapshot_runs, statement_latest');
    for (const shardNumber of [1, 2]) {
      await withSuperuser(nodePort(shardNumber, 'primary'), (client) => client.query('select pg_stat_statements_reset()'));
    }
  });

  afterAll(() => {
    sandbox('start-node', 'shard-2-replica-1');
  });

  it('reads the nodes live when no snapshot covers the window, and lists the statement once', async () => {
    await runThroughPooler(shardOne, LIVE_CALLS);
    await runThroughPooler(shardTwo, LIVE_CALLS);

    const { status, body } = await get<StatementsReport>(`/api/queries?window=15m&q=${MARKER}`, statementsRoute);
    expect(status).toBe(200);
    expect(body.source).toBe('live');
    expect(body.from).toBeNull();
    const rows = knownRows(body);
    expect(rows).toHaveLength(1);
    expect(callsPerShard(rows[0])).toEqual({ 'shard-1': LIVE_CALLS, 'shard-2': LIVE_CALLS });
    expect(rows[0].users).toEqual(['app']);
    statementHash = rows[0].statementHash;
    // A statement only ever seen live still has a page.
    const detail = await get<StatementDetail>(`/api/queries/${statementHash}`, statementRoute, { statementHash });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ source: 'live', parameterCount: 2, series: [] });
    expect(detail.body.figures.calls).toBe(2 * LIVE_CALLS);
  });

  it('merges the statement run through PgBouncer on both shards into one row with calls = N per shard', async () => {
    for (const shard of [shardOne, shardTwo]) await snapshotStatements(shard, baselineAt);
    await runThroughPooler(shardOne, WINDOW_CALLS);
    await runThroughPooler(shardTwo, WINDOW_CALLS);
    for (const shard of [shardOne, shardTwo]) await snapshotStatements(shard, wholeSecond(Date.now()));
    // What psql shows on each primary: the calls before the baseline plus the window's.
    expect([await callsOnPrimary(1), await callsOnPrimary(2)]).toEqual([LIVE_CALLS + WINDOW_CALLS, LIVE_CALLS + WINDOW_CALLS]);

    const { status, body } = await get<StatementsReport>('/api/queries?window=15m&sort=calls&limit=200', statementsRoute);
    expect(status).toBe(200);
    expect(body.source).toBe('snapshots');
    expect(body.from).toBe(baselineAt.toISOString());
    const rows = knownRows(body);
    expect(rows).toHaveLength(1);
    expect(rows[0].statementHash).toBe(statementHash);
    expect(rows[0].calls).toBe(2 * WINDOW_CALLS);
    expect(callsPerShard(rows[0])).toEqual({ 'shard-1': WINDOW_CALLS, 'shard-2': WINDOW_CALLS });
    expect(rows[0].shards.map((shard) => shard.nodes.map((node) => node.nodeId))).toEqual(expect.arrayContaining([['shard-1-primary'], ['shard-2-primary']]));
    expect(rows[0].shareOfAllTime).toBeGreaterThan(0);
    expect(rows[0].shareOfAllTime).toBeLessThanOrEqual(1);
    // Replicas are not in snapshots: said so, not counted as zero.
    expect(body.missingNodes.map((node) => node.nodeId).sort()).toEqual(['shard-1-replica-1', 'shard-2-replica-1']);

    const filtered = await get<StatementsReport>(`/api/queries?window=15m&shardId=shard-2&q=${MARKER.toUpperCase()}`, statementsRoute);
    expect(knownRows(filtered.body).map(callsPerShard)).toEqual([{ 'shard-2': WINDOW_CALLS }]);
    const otherUser = await get<StatementsReport>(`/api/queries?window=15m&user=nobody&q=${MARKER}`, statementsRoute);
    expect(otherUser.body.rows).toEqual([]);

    const detail = await get<StatementDetail>(`/api/queries/${statementHash}?range=1h`, statementRoute, { statementHash });
    expect(detail.status).toBe(200);
    expect(detail.body.source).toBe('snapshots');
    expect(detail.body.figures.calls).toBe(2 * WINDOW_CALLS);
    expect(detail.body.parameterCount).toBe(2);
    expect(detail.body.series.reduce((sum, point) => sum + point.calls, 0)).toBe(2 * WINDOW_CALLS);
  });

  it('gives no negative number when pg_stat_statements_reset() runs in the middle of the window', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await runThroughPooler(shardOne, 3);
    await withSuperuser(nodePort(1, 'primary'), (client) => client.query('select pg_stat_statements_reset()'));
    await runThroughPooler(shardOne, 2);
    const resetSnapshotAt = wholeSecond(Date.now());
    for (const shard of [shardOne, shardTwo]) await snapshotStatements(shard, resetSnapshotAt);

    // Right after a snapshot lands the report may answer from the previous one for a moment (its `to` says so).
    const { status, body } = await eventually(
      () => get<StatementsReport>('/api/queries?window=15m&limit=200', statementsRoute),
      (response) => response.status !== 200 || response.body.to === resetSnapshotAt.toISOString(),
    );
    expect(status).toBe(200);
    expect(body.source).toBe('snapshots');
    expect(body.resets.map((reset) => reset.nodeId)).toContain('shard-1-primary');
    for (const row of body.rows) {
      for (const figures of [row, ...row.shards, ...row.shards.flatMap((shard) => shard.nodes)]) {
        expect(counters(figures).every((value) => value >= 0)).toBe(true);
      }
    }
    // The window keeps what ran before the reset (from the snapshot before it) and adds what ran after;
    // the 3 calls between that snapshot and the reset were never recorded anywhere.
    const [known] = knownRows(body);
    expect(callsPerShard(known)).toEqual({ 'shard-1': WINDOW_CALLS + 2, 'shard-2': WINDOW_CALLS });

    const detail = await get<StatementDetail>(`/api/queries/${statementHash}?range=1h`, statementRoute, { statementHash });
    expect(Object.fromEntries(detail.body.shards.map((shard) => [shard.shardId, shard.calls]))).toEqual({ 'shard-1': WINDOW_CALLS + 2, 'shard-2': WINDOW_CALLS });
    expect(detail.body.series.every((point) => point.calls >= 0 && point.totalTimeMs >= 0)).toBe(true);
  });

  it('answers bad input with a 4xx naming the field', async () => {
    const badSort = await get<{ error: { field?: string } }>('/api/queries?sort=query', statementsRoute);
    expect(badSort.status).toBe(400);
    expect(badSort.body.error.field).toBe('sort');
    const badWindow = await get<{ error: { field?: string } }>('/api/queries?window=2h', statementsRoute);
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.error.field).toBe('window');
    const unknownShard = await get<{ error: { field?: string } }>('/api/queries?shardId=shard-9', statementsRoute);
    expect(unknownShard.status).toBe(404);
    expect(unknownShard.body.error.field).toBe('shardId');

    const unknownHash = '0'.repeat(32);
    const unknown = await get<{ error: { field?: string } }>(`/api/queries/${unknownHash}`, statementRoute, { statementHash: unknownHash });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('statementHash');
    const malformed = await get<{ error: { field?: string } }>('/api/queries/nope', statementRoute, { statementHash: 'nope' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('statementHash');
    const badRange = await get<{ error: { field?: string } }>(`/api/queries/${statementHash}?range=2d`, statementRoute, { statementHash });
    expect(badRange.status).toBe(400);
    expect(badRange.body.error.field).toBe('range');
  });

  it('reports a stopped replica in missingNodes, fast, instead of failing', async () => {
    sandbox('stop-node', 'shard-2-replica-1');
    const started = Date.now();
    const { status, body } = await eventually(
      () => get<StatementsReport>(`/api/queries?window=reset&q=${MARKER}`, statementsRoute),
      (response) => response.status !== 200 || response.body.missingNodes.some((node) => node.nodeId === 'shard-2-replica-1'),
    );
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(body.source).toBe('live');
    expect(body.missingNodes).toEqual([expect.objectContaining({ nodeId: 'shard-2-replica-1', shardId: 'shard-2' })]);
    expect(knownRows(body)).toHaveLength(1);

    const onlyReplica = await get<StatementsReport>('/api/queries?window=1h&nodeId=shard-2-replica-1', statementsRoute);
    expect(onlyReplica.status).toBe(200);
    expect(onlyReplica.body.source).toBe('live');
    expect(onlyReplica.body.missingNodes.map((node) => node.nodeId)).toEqual(['shard-2-replica-1']);
  });
});
