import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flightKeys } from '@/lib/fleet/flight-keys';
import { RedisOutageLog, REDIS_STEP_TIMEOUT_MS, SharedFlight } from '@/lib/fleet/shared-flight';
import { getFleet } from '@/lib/fleet/topology';
import { collectFleetOverview } from '@/lib/monitor/fleet-overview';
import type { FleetOverview } from '@/lib/monitor/fleet-overview-model';
import { eventually, INTEGRATION_SANDBOX, overviewRoundTrips } from './sandbox';

/**
 * Two "web instances" (each its own SharedFlight, so its own in-process cache,
 * and its own Redis connection) against the sandbox's real Redis, and against
 * Redis at a closed port or one that accepts connections and never answers.
 */

const clients: Redis[] = [];

/** A connection set up like the console's shared client (lib/redis/client.ts). */
function redisAt(url: string): () => Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1500,
    commandTimeout: 1500,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => {});
  clients.push(redis);
  return async () => {
    if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
    return redis;
  };
}

interface WebInstance<T> {
  flight: SharedFlight<T>;
  warnings: string[];
  recoveries: string[];
}

function webInstance<T>(redisUrl: string, ttlMs: number): WebInstance<T> {
  const warnings: string[] = [];
  const recoveries: string[] = [];
  const outageLog = new RedisOutageLog((line) => warnings.push(line), (line) => recoveries.push(line));
  return { flight: new SharedFlight<T>('fleet-overview', ttlMs, { redis: redisAt(redisUrl), outageLog }), warnings, recoveries };
}

/** A load that takes `ms` and counts its runs. */
function countedLoad(ms: number): { load: () => Promise<string>; runs: () => number } {
  let runs = 0;
  return {
    load: async () => {
      const run = ++runs;
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `load ${run}`;
    },
    runs: () => runs,
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP proxy to the sandbox Redis that the test can take down and bring back on the same port: Redis going away under open connections. */
class RedisOutage {
  private server: net.Server | undefined;
  private sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.upstreamPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

afterAll(() => {
  for (const client of clients) client.disconnect();
});

describe('SharedFlight across two web instances sharing the sandbox Redis', () => {
  const redisUrl = () => getFleet().redis.url;

  it('runs the load once for twenty concurrent callers spread over both instances', async () => {
    const [a, b] = [webInstance<string>(redisUrl(), 1000), webInstance<string>(redisUrl(), 1000)];
    const key = `it-${randomUUID()}`;
    const counted = countedLoad(150);
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 ? a : b).flight.run(key, counted.load)));
    expect(counted.runs()).toBe(1);
    expect(new Set(results)).toEqual(new Set(['load 1']));
    expect([...a.warnings, ...b.warnings]).toEqual([]);
  });

  it('costs the fleet one round trip when both instances ask for the overview at once', async () => {
    const vitalsCalls = () => overviewRoundTrips(1);
    const [a, b] = [webInstance<FleetOverview>(redisUrl(), 1000), webInstance<FleetOverview>(redisUrl(), 1000)];
    const key = `it-${randomUUID()}`;
    const before = await vitalsCalls();
    const overviews = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 ? a : b).flight.run(key, collectFleetOverview)));
    const after = await vitalsCalls();
    expect(after - before).toBe(1);
    expect(new Set(overviews.map((overview) => overview.generatedAt)).size).toBe(1);
    expect(overviews[0].shards.map((shard) => shard.id)).toEqual(['shard-1', 'shard-2']);
  });

  it('reuses the other instance’s result inside the TTL, loads again after it, and leaves no lock behind', async () => {
    const [a, b] = [webInstance<string>(redisUrl(), 400), webInstance<string>(redisUrl(), 400)];
    const key = `it-${randomUUID()}`;
    const counted = countedLoad(10);
    expect(await a.flight.run(key, counted.load)).toBe('load 1');
    await sleep(50); // the store is not awaited by the caller
    expect(await b.flight.run(key, counted.load)).toBe('load 1');
    expect(counted.runs()).toBe(1);

    const redis = await redisAt(redisUrl())();
    const keys = flightKeys('fleet-overview', key);
    expect(await redis.exists(keys.lock)).toBe(0);
    expect(await redis.pttl(keys.result)).toBeLessThanOrEqual(400);
    expect(JSON.parse((await redis.get(keys.result))!)).toMatchObject({ value: 'load 1', producedAt: expect.any(String) });

    await sleep(450);
    expect(await b.flight.run(key, counted.load)).toBe('load 2');
    await sleep(50);
    expect(await a.flight.run(key, counted.load)).toBe('load 2');
    expect(counted.runs()).toBe(2);
  });

  it('falls back while Redis is gone under open connections, warns once, and shares again once it is back', async () => {
    const outage = new RedisOutage(Number(new URL(redisUrl()).port));
    await outage.up();
    try {
      const viaProxy = `redis://127.0.0.1:${outage.port}`;
      const [a, b] = [webInstance<string>(viaProxy, 200), webInstance<string>(viaProxy, 200)];
      const key = `it-${randomUUID()}`;
      const counted = countedLoad(50);
      const both = () => Promise.all([a.flight.run(key, counted.load), b.flight.run(key, counted.load)]);

      await both();
      expect(counted.runs()).toBe(1);

      await outage.down();
      for (let round = 0; round < 3; round += 1) {
        await sleep(250);
        const { ms } = await timed(both);
        expect(ms).toBeLessThan(50 + REDIS_STEP_TIMEOUT_MS);
      }
      expect(counted.runs()).toBe(1 + 3 * 2);
      expect([a.warnings.length, b.warnings.length]).toEqual([1, 1]);

      await outage.up();
      // The clients reconnect on their own schedule (up to 2 s apart); then one load serves both again.
      await eventually(
        async () => {
          await sleep(250);
          const before = counted.runs();
          await both();
          return counted.runs() - before;
        },
        (loads) => loads === 1,
        10_000,
      );
      expect([a.recoveries.length, b.recoveries.length]).toEqual([1, 1]);
      expect([a.warnings.length, b.warnings.length]).toEqual([1, 1]);
    } finally {
      await outage.down();
    }
  });

  it('does not cache a failure: the instance waiting on a failed load loads itself', async () => {
    const [a, b] = [webInstance<string>(redisUrl(), 60_000), webInstance<string>(redisUrl(), 60_000)];
    const key = `it-${randomUUID()}`;
    let bLoads = 0;
    const failing = a.flight.run(key, async () => {
      await sleep(100);
      throw new Error('node down');
    });
    await sleep(20); // a holds the lock
    const recovered = b.flight.run(key, async () => {
      bLoads += 1;
      return 'recovered';
    });
    await expect(failing).rejects.toThrow('node down');
    expect(await recovered).toBe('recovered');
    expect(bLoads).toBe(1);
    // The failure was not cached in a either: it now finds b's result.
    expect(await a.flight.run(key, () => Promise.reject(new Error('must not load')))).toBe('recovered');
  });
});

describe('SharedFlight when Redis is away', () => {
  let blackHole: net.Server;
  let blackHoleSockets: net.Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a Redis that is hung or overloaded.
    blackHole = net.createServer((socket) => blackHoleSockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of blackHoleSockets) socket.destroy();
    blackHoleSockets = [];
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it('serves every caller from a load per instance when Redis refuses connections, with one warning per instance', async () => {
    // B+9 is inside this sandbox's port range and nothing listens there.
    const closed = `redis://127.0.0.1:${INTEGRATION_SANDBOX.basePort + 9}`;
    const [a, b] = [webInstance<string>(closed, 1000), webInstance<string>(closed, 1000)];
    const key = `it-${randomUUID()}`;
    const counted = countedLoad(100);
    const { result, ms } = await timed(() => Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 ? a : b).flight.run(key, counted.load))));
    expect(result).toHaveLength(10);
    expect(counted.runs()).toBe(2);
    expect(ms).toBeLessThan(100 + REDIS_STEP_TIMEOUT_MS);

    for (let round = 0; round < 3; round += 1) {
      await sleep(1000);
      await Promise.all([a.flight.run(key, counted.load), b.flight.run(key, counted.load)]);
    }
    expect(counted.runs()).toBe(8);
    expect(a.warnings).toHaveLength(1);
    expect(b.warnings).toHaveLength(1);
  });

  it('adds no more than the step timeout to a run when Redis accepts connections but never answers', async () => {
    const { port } = blackHole.address() as net.AddressInfo;
    const hung = `redis://127.0.0.1:${port}`;
    const [a, b] = [webInstance<string>(hung, 1000), webInstance<string>(hung, 1000)];
    const key = `it-${randomUUID()}`;
    const counted = countedLoad(100);
    const { result, ms } = await timed(() => Promise.all([a.flight.run(key, counted.load), b.flight.run(key, counted.load)]));
    expect([...result].sort()).toEqual(['load 1', 'load 2']);
    expect(counted.runs()).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(100 + REDIS_STEP_TIMEOUT_MS - 5);
    expect(ms).toBeLessThan(100 + REDIS_STEP_TIMEOUT_MS + 150);
    expect(a.warnings).toEqual([expect.stringMatching(/no answer within 200 ms/)]);
  });
});
