/**
 * SQL of index advice, the HypoPG index suggestion and the statements reset.
 *
 * Index advice for one shard: every statement runs on the shard's primary
 * through the monitoring connection (pg_monitor: the statistics views and the
 * catalogs, no table data), except USED_INDEXES_SQL, which also runs on each
 * replica. Names come back already quoted (format('%I.%I')), so an operator
 * can paste them into SQL as they are.
 *
 * The statistics behind "seq-scan heavy", "unused" and "dead tuples" count
 * since the last reset (STATS_RESET_SQL) and per node: a replica keeps its own.
 * Sizes use pg_relation_size, which takes an AccessShareLock: a table held by
 * an ACCESS EXCLUSIVE lock (VACUUM FULL, a rewriting ALTER) makes the advice
 * wait for it up to the node's statement timeout, then answer 503.
 *
 * The thresholds ($n) are constants in index-advice-model.ts, with what they mean.
 */

/** Schemas that are Postgres's own: never advised on. */
const USER_SCHEMAS = `n.nspname !~ '^pg_'
    and n.nspname <> 'information_schema'`;

/**
 * When this database's table and index counters were last reset. Every
 * "since" in the advice starts here; null means never since the cluster was
 * created. A recent reset makes "unused" and "seq-scan heavy" weak evidence.
 */
export const STATS_RESET_SQL = `
  select
    stats_reset
  from pg_stat_database
  where datname = current_database()`;

/**
 * Tables read mostly by sequential scans: rows read by seq scans against rows
 * fetched through indexes, for tables big enough that an index would pay.
 * Healthy: a big table's reads go through indexes (idx_tup_fetch dominates);
 * seq_tup_read far above it on a big table usually means a missing index (or
 * reporting queries that really read everything).
 * $1 min rows read by seq scans, $2 min ratio seq_tup_read / idx_tup_fetch,
 * $3 min table bytes, $4 row limit.
 */
export const SEQ_SCAN_HEAVY_SQL = `
  select
    format('%I.%I', schemaname, relname) as table_name,
    seq_scan,
    seq_tup_read,
    coalesce(idx_scan, 0) as idx_scan,
    coalesce(idx_tup_fetch, 0) as idx_tup_fetch,
    pg_relation_size(relid) as table_bytes,
    n_live_tup
  from pg_stat_user_tables
  where seq_tup_read >= $1
    and seq_tup_read >= $2 * coalesce(idx_tup_fetch, 0)
    and pg_relation_size(relid) >= $3
  order by seq_tup_read desc, 1
  limit $4`;

/**
 * Valid indexes never scanned since the stats reset, biggest first. Each
 * costs disk, cache and write amplification for nothing. Indexes that enforce
 * something are left out even when never scanned: unique, primary key,
 * exclusion, and any index a constraint uses (pg_constraint.conindid, which
 * also covers a unique index a foreign key references). Healthy: empty, or
 * only indexes created since the reset. $1 row limit.
 */
export const UNUSED_INDEXES_SQL = `
  select
    format('%I.%I', s.schemaname, s.indexrelname) as index_name,
    format('%I.%I', s.schemaname, s.relname) as table_name,
    pg_relation_size(s.indexrelid) as index_bytes,
    pg_get_indexdef(s.indexrelid) as definition
  from pg_stat_user_indexes s
  join pg_index i on i.indexrelid = s.indexrelid
  where s.idx_scan = 0
    and i.indisvalid
    and not i.indisunique
    and not i.indisprimary
    and not i.indisexclusion
    and not exists (select 1 from pg_constraint co where co.conindid = s.indexrelid)
  order by index_bytes desc, 1
  limit $1`;

/**
 * Of the indexes named in $1, those scanned at least once on this node: run on
 * replicas, so an index that only read replicas use is not called unused
 * (idx_scan is per node). Healthy: not a health figure, a filter.
 */
export const USED_INDEXES_SQL = `
  select
    format('%I.%I', schemaname, indexrelname) as index_name
  from pg_stat_user_indexes
  where idx_scan > 0
    and format('%I.%I', schemaname, indexrelname) = any($1::text[])`;

/**
 * Every valid index of user tables, column by column, for finding duplicates
 * and prefixes (index-advice-model.ts): key columns and INCLUDE columns as
 * Postgres prints them (a name or an expression), operator classes,
 * collations and ASC/DESC/NULLS options per key column, and the predicate.
 * Healthy: no two indexes of a table index the same thing.
 */
export const INDEX_DEFINITIONS_SQL = `
  select
    format('%I.%I', n.nspname, t.relname) as table_name,
    format('%I.%I', n.nspname, c.relname) as index_name,
    am.amname as access_method,
    array(select pg_get_indexdef(i.indexrelid, k, true) from generate_series(1, i.indnkeyatts) k) as key_columns,
    array(select pg_get_indexdef(i.indexrelid, k, true) from generate_series(i.indnkeyatts + 1, i.indnatts) k) as include_columns,
    i.indclass::oid[]::text[] as opclasses,
    i.indcollation::oid[]::text[] as collations,
    i.indoption::int2[] as options,
    pg_get_expr(i.indpred, i.indrelid, true) as predicate,
    i.indisunique as is_unique,
    i.indisprimary as is_primary,
    exists (select 1 from pg_constraint co where co.conindid = i.indexrelid) as backs_constraint,
    pg_relation_size(i.indexrelid) as index_bytes,
    pg_get_indexdef(i.indexrelid) as definition
  from pg_index i
  join pg_class c on c.oid = i.indexrelid
  join pg_class t on t.oid = i.indrelid
  join pg_namespace n on n.oid = t.relnamespace
  join pg_am am on am.oid = c.relam
  where i.indisvalid
    and ${USER_SCHEMAS}
  order by 1, 2`;

/**
 * Invalid indexes: a CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY) that
 * failed or was cancelled leaves one behind. The planner never uses it, yet
 * every write still maintains it. Healthy: empty, or only an index whose
 * build is running right now (build_in_progress). $1 row limit.
 */
export const INVALID_INDEXES_SQL = `
  select
    format('%I.%I', n.nspname, c.relname) as index_name,
    format('%I.%I', n.nspname, t.relname) as table_name,
    pg_get_indexdef(i.indexrelid) as definition,
    exists (
      select 1
      from pg_stat_progress_create_index p
      where p.index_relid = i.indexrelid
        and p.datid = (select oid from pg_database where datname = current_database())
    ) as build_in_progress
  from pg_index i
  join pg_class c on c.oid = i.indexrelid
  join pg_class t on t.oid = i.indrelid
  join pg_namespace n on n.oid = t.relnamespace
  where not i.indisvalid
    and ${USER_SCHEMAS}
  order by 2, 1
  limit $1`;

/**
 * Tables carrying many dead row versions: autovacuum is behind (or held back
 * by a long transaction or a replication slot), and scans wade through dead
 * rows. Autovacuum's default trigger is 50 rows + 20 % of the table, so a
 * healthy table stays below about 20 % dead. $1 min dead rows, $2 min dead
 * percent of live + dead, $3 row limit.
 */
export const DEAD_TUPLES_SQL = `
  select
    format('%I.%I', schemaname, relname) as table_name,
    n_dead_tup,
    n_live_tup,
    round(100.0 * n_dead_tup / greatest(n_live_tup + n_dead_tup, 1), 1)::float8 as dead_pct,
    last_autovacuum
  from pg_stat_user_tables
  where n_dead_tup >= $1
    and n_dead_tup >= $2 / 100.0 * (n_live_tup + n_dead_tup)
  order by n_dead_tup desc, 1
  limit $3`;

/**
 * Tables with rows that have never been analyzed: reltuples = -1 (Postgres
 * 14+) means no ANALYZE or VACUUM ever told the planner the table's size, so
 * it plans with built-in guesses. Read from pg_class, not from last_analyze,
 * so a stats reset does not make every table look unanalyzed. Healthy: empty
 * (autoanalyze gets to a table after 50 rows + 10 % of it change).
 * $1 min live rows, $2 row limit.
 */
export const NEVER_ANALYZED_SQL = `
  select
    format('%I.%I', s.schemaname, s.relname) as table_name,
    s.n_live_tup
  from pg_stat_user_tables s
  join pg_class c on c.oid = s.relid
  where c.reltuples < 0
    and s.last_analyze is null
    and s.last_autoanalyze is null
    and s.n_live_tup >= $1
  order by s.n_live_tup desc, 1
  limit $2`;

// ------------------------------------------------------ HypoPG suggestion
// These run inside withReadOnlyNodeSession (node-session.ts) on the node the
// operator chose, primary or replica: BEGIN READ ONLY … ROLLBACK, on a
// connection of its own that is closed afterwards.
//
// HypoPG works there (checked on Postgres 15 with hypopg 1.3.1):
// hypopg_create_index writes no catalog row, only the backend's memory, so it
// runs inside a READ ONLY transaction and on a hot standby (1.3 draws its
// fake OIDs from a range of its own instead of allocating real ones). That
// memory is not transactional: ROLLBACK does not remove a hypothetical index,
// hence hypopg_reset() after each candidate, and the connection is never
// reused.

/** The normalized text of a statement, from the control DB (stored by the worker's snapshots). $1 statement hash. */
export const STATEMENT_TEXT_SQL = `
  select
    query
  from statement_texts
  where statement_hash = $1`;

/**
 * Where HypoPG is installed in this database (the shard migration creates it
 * where the package exists), quoted for use in SQL; no row: not installed.
 */
export const HYPOPG_SCHEMA_SQL = `
  select
    quote_ident(n.nspname) as schema_quoted
  from pg_extension e
  join pg_namespace n on n.oid = e.extnamespace
  where e.extname = 'hypopg'`;

/**
 * The columns a plan named that really exist on that table, with every name
 * quoted by Postgres (quote_ident: quotes only when needed, keywords
 * included). The suggestion's SQL is built from these and nothing else.
 * $1 schema, $2 table, $3 column names as the plan printed them.
 */
export const CATALOG_COLUMNS_SQL = `
  select
    quote_ident(n.nspname) as schema_quoted,
    quote_ident(c.relname) as table_quoted,
    a.attname as column_name,
    quote_ident(a.attname) as column_quoted
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid
  where n.nspname = $1
    and c.relname = $2
    and c.relkind in ('r', 'm')
    and a.attnum > 0
    and not a.attisdropped
    and a.attname = any($3::text[])`;

/** hypopg_create_index and hypopg_reset, in the schema HYPOPG_SCHEMA_SQL found (already quoted). $1 the CREATE INDEX text. */
export function hypopgCreateIndexSql(hypopgSchema: string): string {
  return `select indexrelid from ${hypopgSchema}.hypopg_create_index($1)`;
}

export function hypopgResetSql(hypopgSchema: string): string {
  return `select ${hypopgSchema}.hypopg_reset()`;
}

/**
 * Plans (does not run) the statement. VERBOSE names each scanned table's
 * schema and qualifies columns with their relation's alias, which is how the
 * candidate columns are attributed to tables.
 */
export function explainSql(statement: string, verbose: boolean): string {
  return `explain (format json${verbose ? ', verbose' : ''}) ${statement}`;
}

// ---------------------------------------------------------- statistics reset

/**
 * Empties the node's pg_stat_statements (every database and user on that
 * server: the counters are per server) and stamps pg_stat_statements_info.
 * Table and index statistics are not touched. Healthy: not a health figure.
 * By default only superusers may call it; see statements-reset.ts.
 */
export const STATEMENTS_RESET_SQL = `
  select pg_stat_statements_reset()`;

/** When the reset happened, by the node's clock. */
export const STATEMENTS_INFO_RESET_SQL = `
  select
    stats_reset
  from pg_stat_statements_info`;
