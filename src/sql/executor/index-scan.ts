/**
 * The Bitmap Heap Scan over a kmersearch index: `column =% query` answered by the index, then the rows fetched
 * and the other conjuncts applied. It returns exactly the rows of the sequential evaluation (SPEC §4, F4):
 *
 *  - a NULL query matches nothing (`=%` is strict), with no cache lookup, as row by row;
 *  - an invalid query text (shorter than k, a character outside IUPAC) fails `=%` at the first row that reaches
 *    it, or never when no row does: the scan checks the text first (src/kmer's isAcceptedQueryText, no cache)
 *    and, when it is invalid, runs the sequential scan instead, which fails (or not) exactly as without the index;
 *  - otherwise Q is looked up once through the query-k-mer cache and ams once through the actual-min-score cache
 *    (the lookups one row-by-row evaluation makes, each counting one hit or miss: F14), and the index returns
 *    the rows sharing at least ams keys — a query without keys matches nothing and looks up no ams;
 *  - with high-frequency exclusion (SPEC §4) the index is searched for Q \ H with ams = max(1, base − |H|), the
 *    rule of the row-by-row `=%` (functions/kmersearch.ts); the index itself left H out when it was built;
 *  - the planner guarantees ams ≥ 1 (index-paths.ts); should it ever be 0, the sequential scan answers.
 *
 * Rows come in row id order (the order of the sequential scan), each with its shared count when the plan asks
 * for it: that count is kmersearch_matchscore(column, query) of the row.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { ginIndexOptions, ginKeyLayout, type IndexMatches, type IndexSearchSource, type RowFilter } from '../../gin/index.js';
import { isAcceptedQueryText, keyLayout, type SortedKeys } from '../../kmer/index.js';
import { decodeBlockCell, isTombstoned, rowsPerBlock, type HeapReader, type IndexRecord } from '../../storage/index.js';
import type { Row } from '../binder/bound.js';
import { excludedQueryOf, highFrequencyExclusionOn } from '../functions/kmersearch.js';
import { recordedSettingsOf } from '../kmersearch-index.js';
import type { BitmapHeapScanNode } from '../plan.js';
import type { SqlValue } from '../types.js';
import { PAUSE, type PlanCompiler, type RowSource } from './operators.js';
import type { Runtime } from './runtime.js';

/** Rows handed on per batch. */
const fetchRows = 256;

/** Whether `=%` would accept this query text under the session's k and b (no cache is touched). */
function isValidQueryText(runtime: Runtime, text: string): boolean {
  const settings = runtime.functionContext.session.settings;
  try {
    keyLayout(settings.kmerSize, settings.occurrenceBits);
  } catch {
    return false;
  }
  return isAcceptedQueryText(text, settings.kmerSize);
}

/** The rows a heap reader sees (below its row id limit, not deleted), bitmaps read lazily for the candidates. */
class VisibleRows implements RowFilter {
  private readonly tombstones = new Map<number, Uint8Array | undefined>();

  constructor(private readonly heap: HeapReader) {}

  isLive(rowId: number): boolean {
    if (rowId >= this.heap.rowIdLimit) return false;
    const block = Math.floor(rowId / rowsPerBlock);
    if (!this.tombstones.has(block)) this.tombstones.set(block, this.heap.tombstones(block));
    return !isTombstoned(this.tombstones.get(block), rowId % rowsPerBlock);
  }
}

/** The index as the statement's view sees it; the heap reader is shared with the fetch of the rows. */
function searchSource(runtime: Runtime, index: IndexRecord, heap: HeapReader): IndexSearchSource {
  return {
    reader: runtime.view,
    storageId: index.storageId,
    rowEntriesId: index.rowEntriesId,
    layout: ginKeyLayout(index),
    rowIdLimit: heap.rowIdLimit,
    rows: new VisibleRows(heap),
    pendingRows: ginIndexOptions(index).pendingRows,
  };
}

/**
 * What the scan does before reading rows, with its cache lookups (one query-k-mer and one actual-min-score
 * lookup, F14): nothing (NULL query, no keys, every key high-frequency), the sequential fallback (invalid text,
 * ams < 1, or an index that left out another analysis's keys than `=%` excludes now), or an index search for
 * `searchKeys` (Q, or Q \ H under high-frequency exclusion) with threshold `ams` (max(1, base − |H|) then).
 */
export type IndexSearchPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'sequential' }
  | {
      readonly kind: 'search';
      readonly searchKeys: SortedKeys;
      readonly ams: number;
    };

export function planIndexSearch(runtime: Runtime, node: BitmapHeapScanNode, text: SqlValue): IndexSearchPlan {
  if (text === null) return { kind: 'none' };
  const columnName = node.table.columns[node.indexCondition.columnIndex]?.name ?? '';
  // The planner chose this index only where it left out exactly the keys `=%` excludes now (index-paths.ts);
  // should the analysis have changed since planning (a statement that also runs it), the scan answers.
  const exclusion = highFrequencyExclusionOn(runtime.functionContext, node.table.id, columnName);
  if (!isValidQueryText(runtime, text as string)) return { kind: 'sequential' };
  if (exclusion?.analysisId !== recordedSettingsOf(node.index).highFrequencyAnalysisId) return { kind: 'sequential' };
  const session = runtime.functionContext.session;
  const queryKeys = session.queryKeys(text as string);
  if (queryKeys.count === 0) return { kind: 'none' };
  if (exclusion === undefined) {
    const ams = session.actualMinScore(queryKeys);
    return ams < 1 ? { kind: 'sequential' } : { kind: 'search', searchKeys: queryKeys, ams };
  }
  const excluded = excludedQueryOf(queryKeys, exclusion);
  const ams = session.actualMinScore(queryKeys, { identity: exclusion.identity, excludedKeyCount: excluded.excludedKeyCount });
  // Every query key high-frequency: shared is 0 for every row, below ams ≥ 1.
  if (excluded.searchKeys.count === 0) return { kind: 'none' };
  if (ams < 1) return { kind: 'sequential' };
  return { kind: 'search', searchKeys: excluded.searchKeys, ams };
}

/**
 * The scan's index search in the calling thread through the statement's view, in steps (GinSearcher
 * searchInSteps: the caller checks for cancellation and gives the event loop its turns between them). `heap`: the
 * reader the scan then fetches the rows with.
 */
export function searchInThread(
  runtime: Runtime,
  node: BitmapHeapScanNode,
  search: Extract<IndexSearchPlan, { kind: 'search' }>,
  heap: HeapReader = runtime.view.openHeap(node.table.id),
): Generator<void, IndexMatches, void> {
  // node.index: the record the statement planned with (planning and execution share the statement's view).
  return runtime.indexes.searcher.searchInSteps(searchSource(runtime, node.index, heap), search.searchKeys, search.ams);
}

/** A scan's search done ahead (append.ts): its plan and, for a search, the rows found. */
export interface PrefetchedSearch {
  readonly plan: IndexSearchPlan;
  readonly matches: IndexMatches | undefined;
}

export function compileBitmapHeapScan(node: BitmapHeapScanNode, compiler: PlanCompiler): RowSource {
  const query = compiler.expression(node.indexCondition.query);
  const filter = node.filter === undefined ? undefined : compiler.expression(node.filter.condition);
  const fallback = compiler.compile(node.fallback);
  const tableId = node.table.id;
  const width = node.table.columns.length;
  const columns = node.fetchColumns ?? node.table.columns.map((_, index) => index);
  const { withRowIds, withScores } = node;
  const rowWidth = width + (withRowIds ? 1 : 0) + (withScores ? 1 : 0);

  return function* (environment) {
    const runtime = environment.runtime;
    const prefetched = runtime.prefetchedSearches.get(node);
    const search = prefetched?.plan ?? planIndexSearch(runtime, node, query([], environment));
    if (search.kind === 'none') return;
    const heap = runtime.view.openHeap(tableId);
    let matches: IndexMatches | undefined;
    if (search.kind === 'search') {
      matches = prefetched?.matches;
      if (matches === undefined) {
        // In steps: a long query's search takes seconds, and cancellation must be able to stop it.
        const steps = searchInThread(runtime, node, search, heap);
        try {
          for (let step = steps.next(); ; step = steps.next()) {
            if (step.done === true) {
              matches = step.value;
              break;
            }
            runtime.checkCancelled();
            if (runtime.eventLoop.due) yield PAUSE;
          }
        } finally {
          steps.return(undefined as never);
        }
      }
    }
    if (matches === undefined) {
      for (const emission of fallback(environment)) {
        // The fallback's rows lack the score column; no row of an invalid query can pass `=%` anyway.
        yield emission === PAUSE || !withScores ? emission : emission.map((row) => [...row, null]);
      }
      return;
    }
    const found = matches;
    runtime.checkCancelled();
    let rows: Row[] = [];
    let block = -1;
    let bytes: Uint8Array | undefined;
    // Without a filter nothing reads storage between a block's read and the decoding of its cells (until the next
    // yield, after which the block is read again), so the block can stay in lmdb-js's reused buffer.
    const transient = filter === undefined;
    for (let position = 0; position < found.count; position++) {
      const rowId = found.rowIds[position] as number;
      // Row ids ascend: each block is read once, and only the cells the plan reads are decoded.
      if (Math.floor(rowId / rowsPerBlock) !== block) {
        block = Math.floor(rowId / rowsPerBlock);
        bytes = heap.readBlock(block, transient);
      }
      if (bytes === undefined) throw new KmerSearchError(SqlState.dataCorrupted, `heap block ${block} of table "${node.table.name}" is missing`);
      const slot = rowId % rowsPerBlock;
      const row: Row = new Array<SqlValue>(rowWidth).fill(null);
      for (const column of columns) row[column] = decodeBlockCell(bytes, column, slot) as SqlValue;
      let next = width;
      if (withRowIds) row[next++] = rowId;
      if (withScores) row[next] = found.shared[position] as number;
      if (filter === undefined || filter(row, environment) === true) rows.push(row);
      if (rows.length >= fetchRows) {
        yield rows;
        rows = [];
        // Whoever ran while this scan was suspended may have read storage: read the block again.
        block = -1;
        runtime.checkCancelled();
        if (runtime.eventLoop.due) yield PAUSE;
      }
    }
    if (rows.length > 0) yield rows;
  };
}
