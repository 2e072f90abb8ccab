/**
 * Default health thresholds. Lag: the usual read-routing rule sends reads to a
 * replica only while it is connected and under 1 s behind (seed doc 000 §3).
 */
export const REPLICA_LAG_THRESHOLD_SECONDS = 1;

/** 16 MiB of unreplayed WAL: one WAL segment is 16 MiB; more than one means replay is falling behind. */
export const REPLICA_LAG_THRESHOLD_BYTES = 16 * 1024 * 1024;

/** Connections used at or above this share of max_connections is a warning: new sessions will soon be refused. */
export const CONNECTION_USAGE_WARN_RATIO = 0.8;
