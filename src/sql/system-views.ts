/**
 * The reference's views, and its tables that kmersearch computes rather than stores: each is the rows of a
 * set-returning catalog function, queried by the view's name (`SELECT * FROM kmersearch_cache_summary`). A
 * stored table of the same name takes precedence, as a table created in `public` would shadow nothing in
 * PostgreSQL but here must stay reachable. `kmersearch_index_info` and `kmersearch_gin_index_meta` are tables in
 * the reference; here their rows come from the index records (functions/index-catalog.ts), so they change
 * atomically with CREATE INDEX and DROP INDEX. `kmersearch_highfreq_kmer` and `kmersearch_highfreq_kmer_meta`, tables
 * in the reference, and the view `kmersearch_analysis_status` show the stored high-frequency analyses
 * (functions/analysis.ts): they change with kmersearch_perform_highfreq_analysis and _undo_, never by DML.
 */
export interface SystemView {
  /** The view's name as users write it. */
  readonly name: string;
  /** The set-returning function (no arguments) whose rows the view shows. */
  readonly functionName: string;
}

const systemViews: ReadonlyMap<string, SystemView> = new Map(
  [
    { name: 'kmersearch_cache_summary', functionName: 'kmersearch_cache_summary_rows' },
    { name: 'kmersearch_index_info', functionName: 'kmersearch_index_info_rows' },
    { name: 'kmersearch_gin_index_meta', functionName: 'kmersearch_gin_index_meta_rows' },
    { name: 'kmersearch_highfreq_kmer', functionName: 'kmersearch_highfreq_kmer_rows' },
    { name: 'kmersearch_highfreq_kmer_meta', functionName: 'kmersearch_highfreq_kmer_meta_rows' },
    { name: 'kmersearch_analysis_status', functionName: 'kmersearch_analysis_status_rows' },
  ].map((view) => [view.name, Object.freeze(view)]),
);

export function findSystemView(name: string): SystemView | undefined {
  return systemViews.get(name);
}
