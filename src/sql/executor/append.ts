/**
 * The Append over the partitions of a partitioned table: each partition's scan in remainder order, rows passed
 * on as they come. With row ids, each row's id becomes the combined id that names its partition too
 * (src/partition `combinedRowId`), which UPDATE and DELETE on the parent hand back to src/partition.
 *
 * Fan-out (SPEC §7.2): when every partition of a SELECT's Append is read through its kmersearch index and the
 * estimated work of the searches reaches a break-even measured on the benchmark (fanOutWorkers: query key count
 * × (1 + postings per key / 50) summed over the partitions), the index searches run ahead, before the rows are
 * produced, on up to `max_parallel_workers` pool threads and on the calling thread at once; each scan then fetches
 * its rows from the matches found. Below the break-even the partitions are searched in turn in the calling thread, as with
 * max_parallel_workers = 0: handing a short read's search to other threads costs more than it saves. EXPLAIN
 * prints "Workers Planned: N" under an Append that fans out.
 *
 * Each scan's search is planned here with its own cache lookups, in the same number (F14). The partitions' searches
 * are then claimed one at a time (src/parallel SearchClaims) by one pool task per worker and by the calling thread,
 * which searches through the statement's view exactly as the scan would; a task searches the keys and threshold
 * prepared here through the statement's view of each index (its row id limit and deleted rows, src/parallel
 * describeIndexSearch), so both give the scan's rows. The calling thread waits only for tasks that took a
 * partition; should a task fail, its partitions' scans search in the calling thread as without fan-out.
 */
import { asKmerSearchError, SqlState } from '../../errors.js';
import { ginIndexOptions, type IndexMatches } from '../../gin/index.js';
import type { SortedKeys } from '../../kmer/index.js';
import { describeIndexSearch, SearchClaims, type ClaimedSearchResult, type ClaimedSearchTestHooks, type WorkerPool } from '../../parallel/index.js';
import { combinedRowId } from '../../partition/index.js';
import type { Row } from '../binder/bound.js';
import type { AppendNode, BitmapHeapScanNode, PlanNode } from '../plan.js';
import { type StatementContext, topEnvironment, yieldToEventLoop } from './context.js';
import { planIndexSearch, searchInThread, type IndexSearchPlan } from './index-scan.js';
import { PAUSE, type PlanCompiler, type RowSource } from './operators.js';
import type { Runtime } from './runtime.js';

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

/**
 * Least estimated work (estimatedSearchWork) of an Append's index searches for which they fan out: below it the
 * partitions are searched in turn in the calling thread, as with max_parallel_workers = 0. Measured with
 * `npx tsx bench/partition-fan-out.bench.ts` (20 Mbp of genomes in 4 partitions, one handle, 2 or 8 workers, 2
 * cores; bench/RESULTS.md "SQL fan-out: cost rule" and "… with the workers' page caches"): with a page cache on
 * each worker thread the fan-out cost 0.2–0.4 ms more per query for reads (work ≈ 900), broke even at 1,000 bases
 * (work ≈ 4,000) and gained 1.07–1.13× at 1,500 bases (work ≈ 6,000), 1.1–1.3× at 2,000, 1.5× at 10 kbp. The rule
 * ignores the machine's load, so the threshold sits above the break-even, where a loaded machine loses least.
 */
export const fanOutMinimumWork = 6_000;

/**
 * Tests lower the break-even to fan out on small tables (undefined: fanOutMinimumWork), make the claimed-search
 * tasks fail (src/parallel ClaimedSearchTestHooks) and learn of each failed task whose items the scans then search
 * in the calling thread.
 */
export const appendTestHooks: {
  current:
    | { readonly minimumWork?: number; readonly claimedSearch?: ClaimedSearchTestHooks; readonly onTaskFailure?: (error: unknown) => void }
    | undefined;
} = { current: undefined };

/**
 * Postings read in the time of one key lookup (finding the key's page and the key in it): measured in the calling
 * thread, a lookup took 0.3 µs (a 1 Mbp index) to 0.9 µs (5 Mbp partitions of the 20 Mbp benchmark) and a posting
 * about 7 ns (rows of a repeated sequence, 200 to 3200 postings per key).
 */
const postingsPerLookup = 50;

/**
 * The work of the partitions' index searches in key lookups, estimated from what planning knows: per partition,
 * the query's key count (taken as its length − k + 1; degenerate bases may add some) times one lookup plus the
 * reading of the average postings per key of the partition's index (keys and postings of its last build or merge,
 * gin statistics; rows in the pending list are left out). Undefined when some partition is not read through its
 * index or the query is not a constant (literals and parameters are).
 */
export function estimatedSearchWork(append: AppendNode): number | undefined {
  let work = 0;
  for (const scan of append.children) {
    if (scan.kind !== 'bitmapHeapScan') return undefined;
    const query = scan.indexCondition.query;
    if (query.kind !== 'constant' || typeof query.value !== 'string') return undefined;
    const options = ginIndexOptions(scan.index);
    const keys = Math.max(0, query.value.length - options.kmerSize + 1);
    const { keys: indexKeys, postings } = options.statistics;
    work += keys * (1 + postings / Math.max(1, indexKeys) / postingsPerLookup);
  }
  return work;
}

/**
 * The worker threads an Append's index searches fan out to (EXPLAIN's "Workers Planned"), or 0 when the
 * partitions are searched in turn in the calling thread: at most max_parallel_workers and one fewer than the
 * partitions (the calling thread searches too), and only when the estimated work reaches the break-even.
 */
export function fanOutWorkers(maxParallelWorkers: number, append: AppendNode): number {
  if (maxParallelWorkers === 0 || append.children.length < 2) return 0;
  const work = estimatedSearchWork(append);
  const minimumWork = appendTestHooks.current?.minimumWork ?? fanOutMinimumWork;
  return work !== undefined && work >= minimumWork ? Math.min(maxParallelWorkers, append.children.length - 1) : 0;
}

/** The Appends of a query's plan whose index searches fan out, with their worker counts (EXPLAIN shows them). */
export function fannedOutAppends(plan: PlanNode, maxParallelWorkers: number): Map<AppendNode, number> {
  const fannedOut = new Map<AppendNode, number>();
  for (const append of appendsOf(plan, [])) {
    const workers = fanOutWorkers(maxParallelWorkers, append);
    if (workers > 0) fannedOut.set(append, workers);
  }
  return fannedOut;
}

/** Runs the partitions' index searches of the plan's Appends on the worker pool and here (see the header). */
export async function prefetchPartitionSearches(context: StatementContext, plan: PlanNode): Promise<void> {
  const runtime = context.runtime;
  const poolSize = context.settings.maxParallelWorkers;
  for (const [append, workers] of fannedOutAppends(plan, poolSize)) {
    const scans = append.children as readonly BitmapHeapScanNode[];
    const environment = topEnvironment(context);
    // Each scan's plan, with the cache lookups the scan itself would make (F14); the scans take it from here.
    const plans = scans.map((scan) => planIndexSearch(runtime, scan, context.compiler.expression(scan.indexCondition.query)([], environment)));
    const searches = scans.flatMap((scan, position) => {
      const search = plans[position] as IndexSearchPlan;
      return search.kind === 'search' ? [{ scan, search }] : [];
    });
    const found = await searchFannedOut(runtime, searches, workers, poolSize);
    const matchesOf = new Map(searches.map(({ scan }, item) => [scan, found[item]]));
    scans.forEach((scan, position) => runtime.prefetchedSearches.set(scan, { plan: plans[position] as IndexSearchPlan, matches: matchesOf.get(scan) }));
    runtime.checkCancelled();
  }
}

type PlannedSearch = { readonly scan: BitmapHeapScanNode; readonly search: Extract<IndexSearchPlan, { kind: 'search' }> };

/** The calling thread's number among the participants of a claimed search; pool task i is number 2 + i. */
const callingThread = 1;

/**
 * The searches, claimed one at a time (src/parallel SearchClaims) by up to `workers` pool tasks and by the
 * calling thread, which searches through the statement's view as the scan would. The rows of an item whose task
 * failed are left undefined: its scan searches in the calling thread. Tasks that found every item taken are not
 * waited for.
 */
async function searchFannedOut(runtime: Runtime, searches: readonly PlannedSearch[], workers: number, poolSize: number): Promise<(IndexMatches | undefined)[]> {
  const found = new Array<IndexMatches | undefined>(searches.length);
  if (searches.length === 0) return found;
  const pool = await runtime.indexes.workerPool(poolSize);
  const claims = SearchClaims.create(searches.length);
  const keyLists: SortedKeys[] = [];
  const items = searches.map(({ scan, search }) => {
    // The scans of one query share the query-k-mer cache's key list (unless exclusion differs by partition).
    let keyList = keyLists.indexOf(search.searchKeys);
    if (keyList < 0) keyList = keyLists.push(search.searchKeys) - 1;
    return { index: describeIndexSearch(runtime.view, scan.index.id), keyList, minShared: search.ams };
  });
  // Piscina learns that a thread is free (started, or done with its last task) from messages the event loop
  // delivers: give it a turn, so that a loop of statements that never yields still finds its threads free.
  await yieldToEventLoop();
  runtime.eventLoop.taken();
  // Only as many tasks as threads are free: a task queued behind a busy thread would start after the calling
  // thread has searched everything, and tasks queued that way (while threads start) would pile up.
  const taskCount = pool === null ? 0 : Math.min(workers, searches.length - 1, pool.freeThreads);
  const abort = runtime.cancellation.abortSignal();
  try {
    const tasks = Array.from({ length: taskCount }, (_, task) => {
      const input = {
        databasePath: runtime.indexes.database.path,
        items,
        keyLists,
        claims: claims.buffer,
        participant: callingThread + 1 + task,
        // Each pool thread keeps its own cache of the handle's size, as the calling thread does: a fanned-out
        // statement reads the pages of the partitions it claims again and again over a workload.
        pageCacheBytes: runtime.indexes.pageCacheBytes,
        testHooks: appendTestHooks.current?.claimedSearch,
      };
      const reply = (pool as WorkerPool).run<ClaimedSearchResult>({ kind: 'search-claimed', input }, { signal: abort.signal });
      // A task that found every item taken is not waited for: its failure (a closed pool) must not go unhandled.
      reply.catch(() => undefined);
      return reply;
    });
    try {
      for (let item = claims.claim(callingThread); item >= 0; item = claims.claim(callingThread)) {
        found[item] = await searchHere(runtime, searches[item] as PlannedSearch);
      }
    } catch (error) {
      // Take what is left, so that the tasks stop after their current item.
      while (claims.claim(callingThread) >= 0);
      throw error;
    }
    for (const [task, reply] of tasks.entries()) {
      if (!searches.some((_, item) => claims.holder(item) === callingThread + 1 + task)) continue;
      try {
        const result = await reply;
        result.items.forEach((item, position) => (found[item] = result.matches[position]));
      } catch (error) {
        if (asKmerSearchError(error).code === SqlState.queryCanceled) throw error;
        appendTestHooks.current?.onTaskFailure?.(error);
      }
    }
  } finally {
    abort.dispose();
  }
  return found;
}

/** One search in the calling thread, giving the event loop its turns and checking for cancellation. */
async function searchHere(runtime: Runtime, { scan, search }: PlannedSearch): Promise<IndexMatches> {
  const steps = searchInThread(runtime, scan, search);
  try {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done === true) return step.value;
      runtime.checkCancelled();
      if (runtime.eventLoop.due) {
        await yieldToEventLoop();
        runtime.eventLoop.taken();
      }
    }
  } finally {
    steps.return(undefined as never);
  }
}
