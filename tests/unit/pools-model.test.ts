import { describe, expect, it } from 'vitest';
import {
  applicationPools,
  assemblePgBouncerView,
  averageWaitMs,
  configEssentials,
  databaseStats,
  poolSizesByDatabase,
  type ConsoleRow,
  type PgBouncerConsoleOutput,
} from '@/lib/monitor/pools-model';

/*
 * Fixtures copied from PgBouncer 1.18.0 in the sandbox (transaction pooling,
 * default_pool_size 5), as node-pg returns them: int4 columns are numbers,
 * SHOW STATS columns are numeric, so strings. Five clients hold transactions
 * open and two more wait for a server.
 */
const poolRows: ConsoleRow[] = [
  { database: 'app', user: 'app', cl_active: 5, cl_waiting: 2, cl_active_cancel_req: 0, cl_waiting_cancel_req: 0, sv_active: 5, sv_active_cancel: 0, sv_being_canceled: 0, sv_idle: 0, sv_used: 0, sv_tested: 0, sv_login: 0, maxwait: 1, maxwait_us: 207015, pool_mode: 'transaction' },
  { database: 'pgbouncer', user: 'pgbouncer', cl_active: 1, cl_waiting: 0, cl_active_cancel_req: 0, cl_waiting_cancel_req: 0, sv_active: 0, sv_active_cancel: 0, sv_being_canceled: 0, sv_idle: 0, sv_used: 0, sv_tested: 0, sv_login: 0, maxwait: 0, maxwait_us: 0, pool_mode: 'statement' },
];

const statsRows: ConsoleRow[] = [
  { database: 'app', total_xact_count: '1207', total_query_count: '2412', total_received: '125', total_sent: '675', total_xact_time: '904500', total_query_time: '19620', total_wait_time: '23181', avg_xact_count: '20', avg_query_count: '40', avg_recv: '8', avg_sent: '45', avg_xact_time: '2500', avg_query_time: '1635', avg_wait_time: '31000' },
  { database: 'pgbouncer', total_xact_count: '10', total_query_count: '10', total_received: '0', total_sent: '0', total_xact_time: '0', total_query_time: '0', total_wait_time: '0', avg_xact_count: '0', avg_query_count: '0', avg_recv: '0', avg_sent: '0', avg_xact_time: '0', avg_query_time: '0', avg_wait_time: '0' },
];

function client(state: string, applicationName: string, database = 'app'): ConsoleRow {
  return { type: 'C', user: database === 'app' ? 'app' : 'shardscope_monitor', database, state, addr: '127.0.0.1', port: 40742, local_addr: '127.0.0.1', local_port: 59512, connect_time: '2026-11-22 00:00:52 UTC', request_time: '2026-11-22 00:00:52 UTC', wait: state === 'waiting' ? 1 : 0, wait_us: 0, close_needed: 0, ptr: '0x55d67067ba40', link: '', remote_pid: 0, tls: '', application_name: applicationName };
}

const clientRows: ConsoleRow[] = [
  ...Array.from({ length: 5 }, () => client('active', 'loadgen-holder')),
  client('waiting', 'loadgen-waiter'),
  client('waiting', ''),
  client('active', '', 'pgbouncer'),
];

const serverRows: ConsoleRow[] = Array.from({ length: 5 }, (_, index) => ({
  type: 'S', user: 'app', database: 'app', state: index < 4 ? 'active' : 'idle', addr: '127.0.0.1', port: 59510, local_addr: '127.0.0.1', local_port: 47288 + index, connect_time: '2026-11-22 00:00:52 UTC', request_time: '2026-11-22 00:00:52 UTC', wait: 0, wait_us: 0, close_needed: 0, ptr: '0x55d6706886e0', link: '0x55d67067ba40', remote_pid: 25765 + index, tls: '', application_name: 'loadgen-holder',
}));

const configRows: ConsoleRow[] = [
  { key: 'admin_users', value: 'shardscope_admin', default: '', changeable: 'yes' },
  { key: 'default_pool_size', value: '5', default: '20', changeable: 'yes' },
  { key: 'max_client_conn', value: '200', default: '100', changeable: 'yes' },
  { key: 'max_db_connections', value: '0', default: '0', changeable: 'yes' },
  { key: 'pool_mode', value: 'transaction', default: 'session', changeable: 'yes' },
  { key: 'reserve_pool_size', value: '0', default: '0', changeable: 'yes' },
];

const databaseRows: ConsoleRow[] = [
  { name: 'app', host: '127.0.0.1', port: 59510, database: 'app', force_user: null, pool_size: 5, min_pool_size: 0, reserve_pool: 0, pool_mode: null, max_connections: 0, current_connections: 5, paused: 0, disabled: 0 },
  { name: 'pgbouncer', host: null, port: 59512, database: 'pgbouncer', force_user: 'pgbouncer', pool_size: 2, min_pool_size: 0, reserve_pool: 0, pool_mode: 'statement', max_connections: 0, current_connections: 0, paused: 0, disabled: 0 },
];

const output: PgBouncerConsoleOutput = {
  version: [{ version: 'PgBouncer 1.18.0' }],
  pools: poolRows,
  stats: statsRows,
  clients: clientRows,
  servers: serverRows,
  config: configRows,
  databases: databaseRows,
};

describe('PgBouncer pools', () => {
  const config = configEssentials(configRows);

  it('reads the settings that size pools from SHOW CONFIG', () => {
    expect(config).toEqual({ poolMode: 'transaction', defaultPoolSize: 5, maxClientConn: 200, reservePoolSize: 0, maxDbConnections: 0 });
  });

  it('shows a full pool with waiting clients at utilisation 1 and the oldest wait in seconds', () => {
    const [pool, ...others] = applicationPools(poolRows, poolSizesByDatabase(databaseRows, 5), config);
    expect(others).toEqual([]);
    expect(pool).toEqual({
      database: 'app',
      user: 'app',
      poolMode: 'transaction',
      clientsActive: 5,
      clientsWaiting: 2,
      serversActive: 5,
      serversIdle: 0,
      serversUsed: 0,
      maxWaitSeconds: 1.207015,
      utilisation: 1,
      poolSize: 5,
    });
  });

  it('does not count idle or check-pending (sv_used) servers as in use', () => {
    const [pool] = applicationPools([{ ...poolRows[0], cl_waiting: 0, sv_active: 1, sv_idle: 2, sv_used: 2 }], new Map([['app', 5]]), config);
    expect(pool.utilisation).toBeCloseTo(0.2);
  });

  it('measures utilisation against a database\'s own pool_size, else default_pool_size', () => {
    const sizes = poolSizesByDatabase([{ name: 'reports', pool_size: 20 }, { name: 'legacy', pool_size: -1 }], 5);
    expect(sizes).toEqual(new Map([['reports', 20], ['legacy', 5]]));
    const pools = applicationPools(
      [
        { ...poolRows[0], database: 'reports', sv_active: 10 },
        { ...poolRows[0], database: 'unlisted', sv_active: 5 },
      ],
      sizes,
      config,
    );
    expect(pools.map((pool) => [pool.database, pool.poolSize, pool.utilisation])).toEqual([
      ['reports', 20, 0.5],
      ['unlisted', 5, 1],
    ]);
  });
});

describe('PgBouncer traffic', () => {
  it('converts microseconds to ms and keeps per-second rates, leaving out the admin database', () => {
    expect(databaseStats(statsRows)).toEqual([
      {
        database: 'app',
        transactionsPerSecond: 20,
        queriesPerSecond: 40,
        avgQueryMs: 1.635,
        avgTransactionMs: 2.5,
        avgWaitMs: 1.55,
        totalTransactions: 1207,
        totalQueries: 2412,
      },
    ]);
  });

  it('turns 1.18\'s wait-per-second into wait per transaction, and never hides waiting under 1 transaction/s', () => {
    expect(averageWaitMs({ avg_wait_time: '31000', avg_xact_count: '20' })).toBe(1.55);
    expect(averageWaitMs({ avg_wait_time: '250000', avg_xact_count: '0' })).toBe(250);
    expect(averageWaitMs({ avg_wait_time: '0', avg_xact_count: '0' })).toBe(0);
  });

  it('takes avg_wait_time as it is from PgBouncers that average per server assignment', () => {
    expect(averageWaitMs({ avg_wait_time: '4000', avg_xact_count: '20', avg_server_assignment_count: '20' })).toBe(4);
  });
});

describe('assemblePgBouncerView', () => {
  const view = assemblePgBouncerView(output);
  if (!view.configured || !view.up) throw new Error('view should be up');

  it('names the version and counts every client against max_client_conn', () => {
    expect(view.version).toBe('PgBouncer 1.18.0');
    expect(view.clientConnections).toBe(8);
    expect(view.serverConnections).toBe(5);
  });

  it('groups application clients by state and application name, largest first', () => {
    expect(view.clientsByState).toEqual([
      { state: 'active', count: 5 },
      { state: 'waiting', count: 2 },
    ]);
    expect(view.clientsByApplication).toEqual([
      { applicationName: 'loadgen-holder', count: 5 },
      { applicationName: '(not set)', count: 1 },
      { applicationName: 'loadgen-waiter', count: 1 },
    ]);
  });

  it('groups servers by state', () => {
    expect(view.serversByState).toEqual([
      { state: 'active', count: 4 },
      { state: 'idle', count: 1 },
    ]);
  });

  it('lists no application pool before any client used one', () => {
    const idle = assemblePgBouncerView({ ...output, pools: [poolRows[1]], stats: [statsRows[1]], clients: [clientRows[7]], servers: [] });
    expect(idle).toMatchObject({ pools: [], stats: [], clientConnections: 1, clientsByState: [], serversByState: [] });
  });
});
