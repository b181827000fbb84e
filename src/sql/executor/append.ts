/**
 * The Append over the partitions of a partitioned table: each partition's scan in remainder order, rows passed
 * on as they come. With row ids, each row's id becomes the combined id that names its partition too
 * (src/partition `combinedRowId`), which UPDATE and DELETE on the parent hand back to src/partition.
 *
 * Fan-out (SPEC §7.2): when every partition of a SELECT's Append is read through its kmersearch index, the index
 * searches run ahead, all at once, on the handle's worker pool (`max_parallel_workers` threads), before the rows
 * are produced; each scan then fetches its rows from the matches found. The cache lookups are the scans' own,
 * made here in the same number (F14). Workers read the database directory through the statement's view of each
 * index (its row id limit and deleted rows, src/parallel describeIndexSearch); should a worker fail, that scan
 * searches in the calling thread as without fan-out.
 */
import { asKmerSearchError, SqlState } from '../../errors.js';
import { actualMinScore } from '../../kmer/index.js';
import { describeIndexSearch, searchQueries } from '../../parallel/index.js';
import { combinedRowId } from '../../partition/index.js';
import type { Row } from '../binder/bound.js';
import type { AppendNode, BitmapHeapScanNode, PlanNode } from '../plan.js';
import { type StatementContext, topEnvironment } from './context.js';
import { planIndexSearch, type PrefetchedSearch } from './index-scan.js';
import { PAUSE, type PlanCompiler, type RowSource } from './operators.js';

export function compileAppend(node: AppendNode, compiler: PlanCompiler): RowSource {
  const children = node.children.map((child) => compiler.compile(child));
  const { remainders, modulus } = node;
  const rowIdColumn = node.table.columns.length;
  const withRowIds = node.withRowIds;
  return function* (environment) {
    for (const [position, child] of children.entries()) {
      const remainder = remainders[position] as number;
      for (const emission of child(environment)) {
        if (emission === PAUSE || !withRowIds) {
          yield emission;
          continue;
        }
        yield emission.map((row): Row => {
          const combined = row.slice();
          combined[rowIdColumn] = combinedRowId(row[rowIdColumn] as number, remainder, modulus);
          return combined;
        });
      }
    }
  };
}

/** The Append nodes of a plan (subquery plans are built later and are not searched). */
function appendsOf(node: PlanNode, found: AppendNode[]): AppendNode[] {
  if (node.kind === 'append') found.push(node);
  for (const key of ['input', 'outer', 'inner', 'left', 'right'] as const) {
    const child = (node as unknown as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && 'kind' in child) appendsOf(child as PlanNode, found);
  }
  return found;
}

/** Runs the partitions' index searches of the plan's Appends on the worker pool (see the header). */
export async function prefetchPartitionSearches(context: StatementContext, plan: PlanNode): Promise<void> {
  const settings = context.settings;
  if (settings.maxParallelWorkers === 0) return;
  const runtime = context.runtime;
  for (const append of appendsOf(plan, [])) {
    const scans = append.children;
    if (scans.length < 2 || !scans.every((scan) => scan.kind === 'bitmapHeapScan')) continue;
    const environment = topEnvironment(context);
    const planned = (scans as readonly BitmapHeapScanNode[]).map((scan) => {
      const text = context.compiler.expression(scan.indexCondition.query)([], environment);
      return { scan, text, plan: planIndexSearch(runtime, scan, text) };
    });
    const pool = await runtime.indexes.workerPool(settings.maxParallelWorkers);
    const thresholds = { minScore: settings.minScore, minSharedKmerRate: settings.minSharedKmerRate };
    const abort = runtime.cancellation.abortSignal();
    try {
      const searched = await Promise.all(
        planned.map(async ({ scan, text, plan: search }): Promise<PrefetchedSearch> => {
          // Workers compute the threshold from the settings and |H| alone; a scan whose threshold differs searches here.
          if (pool === null || search.kind !== 'search' || actualMinScore(thresholds, search.queryKeyCount, search.exclusion?.excludedKeyCount) !== search.ams) {
            return { plan: search, matches: undefined };
          }
          try {
            const found = await searchQueries(
              pool,
              1,
              {
                databasePath: runtime.indexes.database.path,
                index: describeIndexSearch(runtime.view, scan.index.id),
                queries: [text as string],
                thresholds,
                limit: Number.MAX_SAFE_INTEGER,
                // The worker searches Q \ H with ams = max(1, base − |H|), as the scan would here (SPEC §4).
                excludedKeys: search.exclusion?.keys.buffer ?? null,
              },
              { batchSize: 1, signal: abort.signal },
            );
            // Best first from the worker; the scan reads rows in row id order.
            const order = Array.from(found.rowIds.keys()).sort((a, b) => (found.rowIds[a] as number) - (found.rowIds[b] as number));
            return {
              plan: search,
              matches: { count: order.length, rowIds: Uint32Array.from(order, (at) => found.rowIds[at] as number), shared: Uint32Array.from(order, (at) => found.shared[at] as number) },
            };
          } catch (error) {
            if (asKmerSearchError(error).code === SqlState.queryCanceled) throw error;
            return { plan: search, matches: undefined };
          }
        }),
      );
      searched.forEach((prefetched, position) => runtime.prefetchedSearches.set(planned[position]?.scan as BitmapHeapScanNode, prefetched));
    } finally {
      abort.dispose();
    }
    runtime.checkCancelled();
  }
}
