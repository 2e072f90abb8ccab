/**
 * Thresholds of the shard page's Activity panel. Sent to the page with every
 * reading, so its labels always match what the server filtered on.
 */

/**
 * A query running 5 s or more is long-running. The fleet serves OLTP tenant
 * traffic whose statements take milliseconds; at 5 s the web request waiting on
 * it has usually given up already, and the query holds its snapshot (vacuum
 * cannot clean behind it) and its locks. Reports that legitimately run longer
 * belong on a replica, where seeing them listed is still useful.
 */
export const LONG_QUERY_SECONDS = 5;

/**
 * A session idle inside an open transaction for 10 s or more is a leak: no
 * application needs 10 s between two statements of one transaction, and while it
 * sits there it keeps its row locks (others queue behind it) and holds back the
 * xmin horizon. Short enough to catch it before the lock queue grows.
 */
export const IDLE_IN_TRANSACTION_SECONDS = 10;

/**
 * Query text sent with each session: enough to recognise the statement (verb,
 * table, predicate) in one table cell. The full text (up to the node's
 * track_activity_query_size) is fetched on demand.
 */
export const QUERY_PREVIEW_CHARS = 300;

/** Sessions listed per node in long-running / idle-in-transaction: past this the page is a wall; counts still cover every session. */
export const SESSION_LIST_LIMIT = 100;

/** Rows per by-database / by-user / by-application breakdown: the tail past 20 is noise on a dashboard. */
export const COUNT_BY_LIMIT = 20;

/** Tenants per "top tenants" list. */
export const TOP_TENANTS_LIMIT = 10;
