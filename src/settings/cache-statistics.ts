/**
 * The counters both session caches report through `kmersearch_*_cache_stats()` and the rows of the
 * `kmersearch_cache_summary` view (analysis §7.4).
 */

/** One row of `kmersearch_query_kmer_cache_stats()` / `kmersearch_actual_min_score_cache_stats()`. */
export interface CacheStatistics {
  /** bigint in SQL. */
  readonly hits: number;
  /** bigint in SQL. */
  readonly misses: number;
  /** integer in SQL. */
  readonly currentEntries: number;
  /** integer in SQL: the capacity captured when the cache was created; 0 when there is no cache. */
  readonly maxEntries: number;
}

/** What the stats functions report when the cache does not exist (never used, or freed): `(0,0,0,0)`. */
export const ABSENT_CACHE_STATISTICS: CacheStatistics = Object.freeze({
  hits: 0,
  misses: 0,
  currentEntries: 0,
  maxEntries: 0,
});

/** One row of the `kmersearch_cache_summary` view, keyed by the view's column names. */
export interface CacheSummaryRow {
  readonly cache_type: 'query-kmer' | 'actual_min_score';
  /** integer: the cache's current_entries. */
  readonly total_entries: number;
  /** bigint */
  readonly total_hits: number;
  /** bigint */
  readonly total_misses: number;
  /** double precision: hits / (hits + misses), 0 when there were no lookups. */
  readonly hit_rate: number;
}

/** The view's columns and their SQL types, in order, for the SQL layer's catalog. */
export const CACHE_SUMMARY_COLUMNS = [
  { name: 'cache_type', type: 'text' },
  { name: 'total_entries', type: 'integer' },
  { name: 'total_hits', type: 'bigint' },
  { name: 'total_misses', type: 'bigint' },
  { name: 'hit_rate', type: 'double precision' },
] as const;

export function cacheSummaryRow(
  cacheType: CacheSummaryRow['cache_type'],
  statistics: CacheStatistics,
): CacheSummaryRow {
  const lookups = statistics.hits + statistics.misses;
  return {
    cache_type: cacheType,
    total_entries: statistics.currentEntries,
    total_hits: statistics.hits,
    total_misses: statistics.misses,
    hit_rate: lookups === 0 ? 0 : statistics.hits / lookups,
  };
}
