import { readHostMetrics, type HostMetricValues } from './host-metrics-model';

/**
 * One scrape of a node's Prometheus endpoint (node_exporter, or a Supabase
 * project's Metrics API) for its host's CPU, memory and data filesystem: one
 * HTTP GET per node per sampling interval, parsed by host-metrics-model.ts.
 * Healthy endpoint: answers 200 well inside the timeout (a node_exporter with
 * three collectors takes milliseconds; the Metrics API under a second).
 */

/** The text exposition format; both node_exporter and the Metrics API serve it. */
export const HOST_METRICS_ACCEPT = 'text/plain;version=0.0.4;q=0.9,*/*;q=0.1';

/** A fleet-file node with a metricsUrl fits. */
export interface HostMetricsTarget {
  metricsUrl: string;
  metricsAuth?: { username: string; password: string };
  dataMountpoint?: string;
}

export type HostMetricsResult =
  | { up: true; latencyMs: number; values: HostMetricValues }
  | { up: false; latencyMs: number; error: string };

/** Basic auth from metricsAuth, or from credentials written into the URL; the URL sent carries none. */
function buildRequest(target: HostMetricsTarget): { url: URL; headers: Record<string, string> } {
  const url = new URL(target.metricsUrl);
  const credentials =
    target.metricsAuth ??
    (url.username || url.password ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : null);
  url.username = '';
  url.password = '';
  const headers: Record<string, string> = { accept: HOST_METRICS_ACCEPT };
  if (credentials) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }
  return { url, headers };
}

/** Codes (never messages, which may quote the request) of the errors a scrape commonly meets. */
const NETWORK_ERRORS = new Map<string, string>([
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNRESET', 'connection lost'],
  ['EPIPE', 'connection lost'],
  ['UND_ERR_SOCKET', 'connection lost'],
  ['ENOTFOUND', 'host not found'],
  ['EAI_AGAIN', 'host not found (DNS lookup failed)'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ETIMEDOUT', 'connect timed out'],
  ['UND_ERR_CONNECT_TIMEOUT', 'connect timed out'],
  ['UND_ERR_HEADERS_TIMEOUT', 'timed out'],
  ['UND_ERR_BODY_TIMEOUT', 'timed out'],
  ['CERT_HAS_EXPIRED', 'TLS certificate expired'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS certificate not trusted (self-signed)'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'TLS certificate not trusted (self-signed)'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS certificate not trusted'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS certificate does not match the host'],
]);

/** A short, operator-readable reason; it never contains the URL, its credentials or the password. */
export function describeScrapeError(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (err?.name === 'AbortError') return 'aborted';
  // fetch refuses a few ports outright (6000, 6665-6669, 10080, ...): the "bad port" list of the Fetch standard.
  if (err?.cause?.message === 'bad port') return 'port blocked by fetch (bad port): use another';
  return NETWORK_ERRORS.get(err?.cause?.code ?? err?.code ?? '') ?? 'request failed';
}

function describeStatus(status: number): string {
  if (status === 401 || status === 403) return `authentication failed (HTTP ${status})`;
  if (status >= 300 && status < 400) return `redirected (HTTP ${status}); use the final URL`;
  return `HTTP ${status}`;
}

/**
 * Scrapes one node's endpoint. Never throws: a node whose endpoint cannot be
 * read is reported down with the reason. Redirects are not followed, so the
 * credentials never go to another host.
 */
export async function collectHostMetrics(target: HostMetricsTarget, timeoutMs: number): Promise<HostMetricsResult> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  let request: ReturnType<typeof buildRequest>;
  try {
    request = buildRequest(target);
  } catch {
    return { up: false, latencyMs: latencyMs(), error: 'metricsUrl is not a valid URL' };
  }
  try {
    // The timeout covers the whole exchange, body included.
    const response = await fetch(request.url, {
      headers: request.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return { up: false, latencyMs: latencyMs(), error: describeStatus(response.status) };
    }
    const body = await response.text();
    const reading = readHostMetrics(body, target.dataMountpoint);
    return reading.ok
      ? { up: true, latencyMs: latencyMs(), values: reading.values }
      : { up: false, latencyMs: latencyMs(), error: reading.error };
  } catch (error) {
    return { up: false, latencyMs: latencyMs(), error: describeScrapeError(error, timeoutMs) };
  }
}
