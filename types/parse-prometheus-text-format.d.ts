/**
 * The package ships no types. What it returns (prom2json's shape): one entry per
 * metric family, values as the strings of the exposition ("1.5e+09", "NaN", "+Inf").
 */
declare module 'parse-prometheus-text-format' {
  export type PrometheusLabels = Record<string, string>;

  /** COUNTER, GAUGE and UNTYPED samples. */
  export interface PrometheusSample {
    value: string;
    labels?: PrometheusLabels;
  }

  export interface PrometheusHistogramSample {
    buckets: Record<string, string>;
    count: string;
    sum: string;
    labels?: PrometheusLabels;
  }

  export interface PrometheusSummarySample {
    quantiles?: Record<string, string>;
    count: string;
    sum: string;
    labels?: PrometheusLabels;
  }

  export type PrometheusMetricFamily =
    | { name: string; help: string; type: 'COUNTER' | 'GAUGE' | 'UNTYPED'; metrics: PrometheusSample[] }
    | { name: string; help: string; type: 'HISTOGRAM'; metrics: PrometheusHistogramSample[] }
    | { name: string; help: string; type: 'SUMMARY'; metrics: PrometheusSummarySample[] };

  /** Throws on a line it cannot read. */
  export default function parsePrometheusTextFormat(text: string): PrometheusMetricFamily[];
}
