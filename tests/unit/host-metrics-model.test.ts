import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHostMetrics, type HostMetricValues } from '@/lib/monitor/host-metrics-model';

/** Captured with curl from the sandbox's node exporter (cpu, meminfo, filesystem collectors). */
const sandboxExporter = readFileSync(path.join(import.meta.dirname, 'fixtures/node-exporter-sandbox.prom'), 'utf8');
/** Hand-made in the Supabase Metrics API's shape: node_exporter names with Supabase labels. */
const supabaseMetricsApi = readFileSync(path.join(import.meta.dirname, 'fixtures/supabase-metrics-api.prom'), 'utf8');

function valuesOf(body: string, dataMountpoint?: string): HostMetricValues {
  const reading = readHostMetrics(body, dataMountpoint);
  if (!reading.ok) throw new Error(`expected a reading, got: ${reading.error}`);
  return reading.values;
}

describe('host metrics from a Prometheus endpoint', () => {
  it('reads CPU counters, memory and the root filesystem from the sandbox node_exporter', () => {
    const values = valuesOf(sandboxExporter);
    // Two CPUs: idle 794.36 + 768.94; all eight modes of both.
    expect(values.cpu_idle_seconds).toBeCloseTo(1563.3, 6);
    expect(values.cpu_total_seconds).toBeCloseTo(1772.1, 6);
    expect(values.mem_total_bytes).toBe(25_276_518_400);
    expect(values.mem_available_bytes).toBe(24_505_634_816);
    // No /data there: the root filesystem.
    expect(values).toMatchObject({ fs_mountpoint: '/', fs_size_bytes: 270_553_174_016, fs_avail_bytes: 83_502_977_024 });
  });

  it('ignores node_cpu_guest_seconds_total, which is already counted in user time', () => {
    const values = valuesOf(sandboxExporter);
    expect(values.cpu_total_seconds).toBeCloseTo(1772.1, 6);
  });

  it('sums idle and all-mode CPU seconds over every CPU of a Supabase project', () => {
    const values = valuesOf(supabaseMetricsApi);
    expect(values.cpu_idle_seconds).toBe(17_500);
    expect(values.cpu_total_seconds).toBe(20_000);
    expect(values.mem_total_bytes).toBe(4_294_967_296);
    expect(values.mem_available_bytes).toBe(1_073_741_824);
  });

  it('takes /data, where a Supabase project keeps its database, when the fleet file names no mountpoint', () => {
    expect(valuesOf(supabaseMetricsApi)).toMatchObject({
      fs_mountpoint: '/data',
      fs_size_bytes: 8_589_934_592,
      fs_avail_bytes: 2_147_483_648,
    });
  });

  it('uses the dataMountpoint the fleet file names', () => {
    expect(valuesOf(supabaseMetricsApi, '/')).toMatchObject({
      fs_mountpoint: '/',
      fs_size_bytes: 10_737_418_240,
      fs_avail_bytes: 5_368_709_120,
    });
  });

  it('never takes an in-memory filesystem for the data filesystem', () => {
    const tmpfsOnly = [
      'node_filesystem_size_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/data"} 1000',
      'node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/data"} 900',
      'node_filesystem_size_bytes{device="/dev/sda1",fstype="xfs",mountpoint="/"} 5000',
      'node_filesystem_avail_bytes{device="/dev/sda1",fstype="xfs",mountpoint="/"} 2000',
    ].join('\n');
    expect(valuesOf(tmpfsOnly)).toMatchObject({ fs_mountpoint: '/', fs_size_bytes: 5000, fs_avail_bytes: 2000 });
    expect(valuesOf(tmpfsOnly, '/dev/shm')).toMatchObject({ fs_mountpoint: null, fs_size_bytes: null, fs_avail_bytes: null });
  });

  it('prefers the real device over a rootfs entry for the same mountpoint', () => {
    const body = [
      'node_filesystem_size_bytes{device="rootfs",fstype="rootfs",mountpoint="/"} 1',
      'node_filesystem_avail_bytes{device="rootfs",fstype="rootfs",mountpoint="/"} 1',
      'node_filesystem_size_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 4000',
      'node_filesystem_avail_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 3000',
    ].join('\n');
    expect(valuesOf(body)).toMatchObject({ fs_size_bytes: 4000, fs_avail_bytes: 3000 });
  });

  it('reports nothing for a dataMountpoint the endpoint does not report', () => {
    expect(valuesOf(supabaseMetricsApi, '/pgdata')).toMatchObject({ fs_mountpoint: null, fs_size_bytes: null, fs_avail_bytes: null });
  });

  it('leaves a metric the endpoint does not report null, never 0', () => {
    const cpuOnly = 'node_cpu_seconds_total{cpu="0",mode="idle"} 10\nnode_cpu_seconds_total{cpu="0",mode="user"} 5\n';
    expect(valuesOf(cpuOnly)).toEqual({
      cpu_idle_seconds: 10,
      cpu_total_seconds: 15,
      mem_total_bytes: null,
      mem_available_bytes: null,
      fs_size_bytes: null,
      fs_avail_bytes: null,
      fs_mountpoint: null,
    });
  });

  it('gives null for a CPU sum with a NaN in it rather than a sum that is too small', () => {
    const body = 'node_cpu_seconds_total{cpu="0",mode="idle"} NaN\nnode_cpu_seconds_total{cpu="0",mode="user"} 5\n';
    expect(valuesOf(body)).toMatchObject({ cpu_idle_seconds: null, cpu_total_seconds: null });
  });

  it('reads the last line of a body that does not end with a newline', () => {
    const body = 'node_memory_MemAvailable_bytes 2048\nnode_memory_MemTotal_bytes 4096';
    expect(valuesOf(body)).toMatchObject({ mem_total_bytes: 4096, mem_available_bytes: 2048 });
  });

  it('merges a family whose samples are not grouped together', () => {
    const body = [
      'node_cpu_seconds_total{cpu="0",mode="idle"} 10',
      'node_memory_MemTotal_bytes 4096',
      'node_cpu_seconds_total{cpu="1",mode="idle"} 20',
    ].join('\n');
    expect(valuesOf(body)).toMatchObject({ cpu_idle_seconds: 30, cpu_total_seconds: 30 });
  });

  it('refuses an HTML page (a login or proxy error page), which the parser would read as words', () => {
    const html = '<!DOCTYPE html>\n<html>\n<head><title>Sign in</title></head>\n<body>Please sign in</body>\n</html>\n';
    expect(readHostMetrics(html)).toEqual({ ok: false, error: 'response is not in the Prometheus text format' });
    expect(readHostMetrics('Unauthorized')).toEqual({ ok: false, error: 'response is not in the Prometheus text format' });
    expect(readHostMetrics('{"message":"Invalid authentication credentials"}')).toEqual({
      ok: false,
      error: 'response is not in the Prometheus text format',
    });
  });

  it('refuses an empty body as no metrics at all', () => {
    expect(readHostMetrics('')).toEqual({ ok: false, error: 'response holds no Prometheus metrics' });
  });

  it('refuses a body with a broken line without quoting it', () => {
    const reading = readHostMetrics('node_memory_MemTotal_bytes 4096\nnode_memory_MemAvailable_bytes{secret="hunter2" 1\n');
    expect(reading).toEqual({ ok: false, error: 'response is not in the Prometheus text format' });
  });
});
