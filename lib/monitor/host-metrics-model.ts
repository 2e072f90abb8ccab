import parsePrometheusTextFormat, { type PrometheusMetricFamily, type PrometheusSample } from 'parse-prometheus-text-format';

/**
 * Pure: one scrape of a node's Prometheus endpoint → the host readings the
 * history stores for it. The endpoint is a node_exporter, or a Supabase
 * project's Metrics API, which serves the same node_exporter names with extra
 * labels (service_type="db", ...). No I/O here: unit-tested with fixtures.
 *
 * Counters stay cumulative (CPU busy % is derived between two samples in
 * lib/history/metrics.ts). A metric the endpoint does not report is null, never 0.
 * One endpoint describes one host: Supabase gives each read replica its own.
 */

/**
 * Seconds each CPU spent in each mode since boot (counter; one series per cpu ×
 * mode). CPU busy = 1 − Δidle / Δ(all modes) between samples. Healthy: under
 * ~70 % sustained; a database host pinned near 100 % queues every query.
 */
export const CPU_SECONDS_METRIC = 'node_cpu_seconds_total';

/** Physical memory of the host (gauge). */
export const MEM_TOTAL_METRIC = 'node_memory_MemTotal_bytes';

/**
 * Memory the kernel can hand out without swapping, reclaimable page cache
 * included (gauge). Healthy: above ~10 % of MemTotal; near 0 the OOM killer
 * takes a backend and Postgres restarts, dropping every session.
 */
export const MEM_AVAILABLE_METRIC = 'node_memory_MemAvailable_bytes';

/** Size of each mounted filesystem (gauge; labels mountpoint, fstype, device). */
export const FS_SIZE_METRIC = 'node_filesystem_size_bytes';

/**
 * Bytes an unprivileged process such as Postgres can still write on each
 * filesystem (gauge). Healthy: above ~20 % of the data filesystem; when it
 * reaches 0 writes fail, and a full WAL directory stops the server.
 */
export const FS_AVAIL_METRIC = 'node_filesystem_avail_bytes';

/**
 * Where the data directory is assumed to live when the fleet file names no
 * dataMountpoint: Supabase's data volume when the endpoint reports it, else root.
 */
export const DEFAULT_DATA_MOUNTPOINTS = ['/data', '/'] as const;

/** Filesystems that never hold a data directory (memory, read-only images, kernel views). */
const NON_STORAGE_FSTYPES = new Set([
  'tmpfs',
  'ramfs',
  'devtmpfs',
  'rootfs',
  'squashfs',
  'iso9660',
  'proc',
  'sysfs',
  'cgroup',
  'cgroup2',
  'devpts',
  'mqueue',
  'hugetlbfs',
  'autofs',
  'nsfs',
  'tracefs',
  'debugfs',
  'securityfs',
  'pstore',
  'bpf',
  'configfs',
  'binfmt_misc',
  'fusectl',
  'rpc_pipefs',
  'selinuxfs',
]);

/**
 * What one node's host sample stores (keys are the history's: see
 * lib/history/metrics.ts). A type, not an interface, so it fits the samples'
 * Record<string, number | string | null> as is.
 */
export type HostMetricValues = {
  /** Cumulative idle seconds, summed over all CPUs. */
  cpu_idle_seconds: number | null;
  /** Cumulative seconds in every mode, summed over all CPUs. */
  cpu_total_seconds: number | null;
  mem_total_bytes: number | null;
  mem_available_bytes: number | null;
  fs_size_bytes: number | null;
  fs_avail_bytes: number | null;
  /** The filesystem fs_* describe; null when the endpoint reports neither figure for it. */
  fs_mountpoint: string | null;
};

export type HostMetricsReading = { ok: true; values: HostMetricValues } | { ok: false; error: string };

/** Samples of every family with this name (an exposition may repeat a family); counters, gauges and untyped only. */
function samplesOf(families: PrometheusMetricFamily[], name: string): PrometheusSample[] {
  return families.flatMap((family) =>
    family.name === name && (family.type === 'COUNTER' || family.type === 'GAUGE' || family.type === 'UNTYPED') ? family.metrics : [],
  );
}

/** What the text format allows as a sample value: a float, NaN or ±Inf. */
function isSampleValue(value: string): boolean {
  return value === 'NaN' || value === '+Inf' || value === '-Inf' || (value !== '' && Number.isFinite(Number(value)));
}

/**
 * The parser is lenient: an HTML page or a plain "Unauthorized" comes back as
 * families whose values are words. A real exposition has only numbers.
 */
function isExposition(families: PrometheusMetricFamily[]): boolean {
  return families.every(
    (family) =>
      (family.type !== 'COUNTER' && family.type !== 'GAUGE' && family.type !== 'UNTYPED') ||
      family.metrics.every((sample) => isSampleValue(sample.value)),
  );
}

/** A finite number, or null ("NaN", "+Inf" and garbage are not a reading). */
function sampleValue(sample: PrometheusSample | undefined): number | null {
  if (!sample) return null;
  const value = Number(sample.value);
  return Number.isFinite(value) ? value : null;
}

/** Sum of the samples; null when there are none or any of them is not a number (a partial sum would be wrong). */
function sumOf(samples: PrometheusSample[]): number | null {
  if (samples.length === 0) return null;
  let total = 0;
  for (const sample of samples) {
    const value = sampleValue(sample);
    if (value === null) return null;
    total += value;
  }
  return total;
}

function storageSamples(families: PrometheusMetricFamily[], name: string): PrometheusSample[] {
  return samplesOf(families, name).filter(
    (sample) => sample.labels?.mountpoint !== undefined && !NON_STORAGE_FSTYPES.has(sample.labels.fstype ?? ''),
  );
}

function filesystemValues(
  families: PrometheusMetricFamily[],
  dataMountpoint: string | undefined,
): Pick<HostMetricValues, 'fs_size_bytes' | 'fs_avail_bytes' | 'fs_mountpoint'> {
  const sizes = storageSamples(families, FS_SIZE_METRIC);
  const avails = storageSamples(families, FS_AVAIL_METRIC);
  const reported = (mountpoint: string) => [...sizes, ...avails].some((sample) => sample.labels?.mountpoint === mountpoint);
  const mountpoint = dataMountpoint ?? DEFAULT_DATA_MOUNTPOINTS.find(reported) ?? null;
  if (mountpoint === null || !reported(mountpoint)) return { fs_size_bytes: null, fs_avail_bytes: null, fs_mountpoint: null };
  const size = sizes.find((sample) => sample.labels?.mountpoint === mountpoint);
  // Both figures from the same device when the endpoint says which one it is.
  const avail =
    avails.find((sample) => sample.labels?.mountpoint === mountpoint && sample.labels?.device === size?.labels?.device) ??
    avails.find((sample) => sample.labels?.mountpoint === mountpoint);
  return { fs_size_bytes: sampleValue(size), fs_avail_bytes: sampleValue(avail), fs_mountpoint: mountpoint };
}

/** The host readings from parsed families; `dataMountpoint` from the fleet file, when it names one. */
export function hostMetricValues(families: PrometheusMetricFamily[], dataMountpoint?: string): HostMetricValues {
  const cpu = samplesOf(families, CPU_SECONDS_METRIC);
  return {
    cpu_idle_seconds: sumOf(cpu.filter((sample) => sample.labels?.mode === 'idle')),
    cpu_total_seconds: sumOf(cpu),
    mem_total_bytes: sampleValue(samplesOf(families, MEM_TOTAL_METRIC)[0]),
    mem_available_bytes: sampleValue(samplesOf(families, MEM_AVAILABLE_METRIC)[0]),
    ...filesystemValues(families, dataMountpoint),
  };
}

/**
 * A scraped body → the node's host readings, or why it is not a metrics
 * exposition (an HTML login page, a JSON error). The reason never quotes the
 * body: a proxy's error page may echo request headers.
 */
export function readHostMetrics(body: string, dataMountpoint?: string): HostMetricsReading {
  let families: PrometheusMetricFamily[];
  try {
    // The parser silently drops a last line that has no newline.
    families = parsePrometheusTextFormat(body.endsWith('\n') ? body : `${body}\n`);
  } catch {
    return { ok: false, error: 'response is not in the Prometheus text format' };
  }
  if (!isExposition(families)) return { ok: false, error: 'response is not in the Prometheus text format' };
  if (families.length === 0) return { ok: false, error: 'response holds no Prometheus metrics' };
  return { ok: true, values: hostMetricValues(families, dataMountpoint) };
}
