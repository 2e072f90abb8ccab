import { describe, expect, it } from 'vitest';
import { SingleFlight } from '@/lib/fleet/single-flight';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('shares one load among ten concurrent callers', async () => {
    const flight = new SingleFlight<number>(1000);
    let loads = 0;
    const pending = deferred<number>();
    const callers = Array.from({ length: 10 }, () =>
      flight.run('overview', () => {
        loads += 1;
        return pending.promise;
      }),
    );
    pending.resolve(7);
    expect(await Promise.all(callers)).toEqual(Array(10).fill(7));
    expect(loads).toBe(1);
  });

  it('reuses a result inside the TTL and loads again after it', async () => {
    let clock = 0;
    const flight = new SingleFlight<number>(1000, () => clock);
    let loads = 0;
    const load = async () => ++loads;
    expect(await flight.run('k', load)).toBe(1);
    clock = 999;
    expect(await flight.run('k', load)).toBe(1);
    clock = 1000;
    expect(await flight.run('k', load)).toBe(2);
  });

  it('does not cache a failure', async () => {
    const flight = new SingleFlight<string>(60_000);
    await expect(flight.run('k', () => Promise.reject(new Error('node down')))).rejects.toThrow('node down');
    expect(await flight.run('k', async () => 'recovered')).toBe('recovered');
  });

  it('keeps keys apart', async () => {
    const flight = new SingleFlight<string>(60_000);
    expect(await flight.run('a', async () => 'A')).toBe('A');
    expect(await flight.run('b', async () => 'B')).toBe('B');
  });
});
