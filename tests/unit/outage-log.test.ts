import { describe, expect, it } from 'vitest';
import { OutageLog } from '@/lib/jobs/outage-log';

describe('the outage log', () => {
  it('logs one line per outage and one when the dependency is back', () => {
    const lines: string[] = [];
    const log = new OutageLog((line) => lines.push(line));
    log.failed('control database', new Error('connection refused'));
    log.failed('control database', new Error('connection refused'));
    log.ok('control database');
    log.ok('control database');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/control database unavailable: connection refused/);
    expect(lines[1]).toMatch(/control database is back/);
  });

  it('takes no "back" from work that began before the outage was noticed', () => {
    const lines: string[] = [];
    const log = new OutageLog((line) => lines.push(line));
    const jobStarted = Date.now() - 1000;
    log.failed('control database', new Error('connection refused'));
    // A job whose writes landed just before the outage finishes now: no proof the database is back.
    log.ok('control database', jobStarted);
    expect(log.isDown('control database')).toBe(true);
    expect(lines).toHaveLength(1);
    log.ok('control database', Date.now());
    expect(log.isDown('control database')).toBe(false);
  });
});
