/**
 * Index search: for sorted distinct query keys and a threshold ams ≥ 1, the rows sharing at least ams keys with
 * the query, with their counts. Every key of a row is distinct, so the number of the query's posting lists that
 * contain a row is exactly its `shared` score (SPEC §4), and `ORDER BY kmersearch_matchscore(…) DESC LIMIT n`
 * needs no re-extraction (topMatches).
 *
 * Pages: the directory gives each key's page; a page is read once for all query keys it holds (keys are sorted).
 * The pending list is read entry by entry and intersected with the query. Counts live in a typed array indexed by
 * row id; only rows visible to the caller's view (below its row id limit, not deleted) are returned, so postings
 * of deleted rows that wait for the next merge never show.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { KeyLayout, SortedKeys } from '../kmer/index.js';
import { rowsPerBlock, type HeapReader, type IndexDataReader, type IndexRecord, type StorageView } from '../storage/index.js';
import { PageCache, pageDirectory, type PageDirectory } from './directory.js';
import { ginIndexOptions, ginKeyLayout } from './index-options.js';
import type { RowFilter } from './merge.js';
import { pageGroupCount, PageReader, PostingBuffer } from './page.js';
import { decodePendingEntry, pendingEntries, RowKeys } from './pending.js';
import { ByteCursor } from './varint.js';

const TWO_POW_32 = 4294967296;
/** Above this row id limit counts go to a hash map instead of an array indexed by row id (64 MiB). */
const maxDirectCountRows = 1 << 24;
/** Query keys, and pending rows, between two yields of searchInSteps (a few milliseconds of work each). */
const keysPerStep = 4096;
const pendingRowsPerStep = 1024;

/** What a search reads: an index's data as one view sees it, and which rows that view sees. */
export interface IndexSearchSource {
  readonly reader: IndexDataReader;
  readonly storageId: number;
  readonly rowEntriesId: number;
  readonly layout: KeyLayout;
  readonly rowIdLimit: number;
  readonly rows: RowFilter;
  /** Entries in the pending list; 0 skips reading it. */
  readonly pendingRows: number;
}

/** Deleted slots read lazily per block (a search checks only its candidates). */
class HeapRowFilter implements RowFilter {
  private readonly tombstones = new Map<number, Uint8Array | null>();

  constructor(private readonly heap: HeapReader) {}

  isLive(rowId: number): boolean {
    if (rowId >= this.heap.rowIdLimit) return false;
    const block = Math.floor(rowId / rowsPerBlock);
    let bitmap = this.tombstones.get(block);
    if (bitmap === undefined) {
      bitmap = this.heap.tombstones(block) ?? null;
      this.tombstones.set(block, bitmap);
    }
    if (bitmap === null) return true;
    const slot = rowId % rowsPerBlock;
    return (bitmap[slot >> 3]! & (1 << (slot & 7))) === 0;
  }
}

/** The search source of an index as `view` sees it (its data, its table's visible rows). */
export function openIndexSearch(view: StorageView, index: IndexRecord | number): IndexSearchSource {
  const record = typeof index === 'number' ? view.getIndex(index) : index;
  if (record === undefined) throw new KmerSearchError(SqlState.undefinedObject, `index with id ${String(index)} does not exist`);
  const heap = view.openHeap(record.tableId);
  return {
    reader: view,
    storageId: record.storageId,
    rowEntriesId: record.rowEntriesId,
    layout: ginKeyLayout(record),
    rowIdLimit: heap.rowIdLimit,
    rows: new HeapRowFilter(heap),
    pendingRows: ginIndexOptions(record).pendingRows,
  };
}

/** Rows and their shared counts, ascending by row id (or by rank for topMatches). */
export interface IndexMatches {
  readonly count: number;
  readonly rowIds: Uint32Array;
  readonly shared: Uint32Array;
}

/**
 * Page cache of a searcher when none is given: none (a database handle gives its own, OpenOptions.indexCacheSize).
 * Measured on the 20 Mbp workload (98 MiB of pages): a cache holding every page made searches about 1.45×
 * faster; one holding two thirds of them (64 MiB) did not help, as a cached page is as cold in the CPU cache as a
 * freshly read one and only lmdb-js's call and copy are saved. The cache takes memory as pages come in.
 */
export const defaultPageCacheBytes = 0;

/** Runs searches with reusable scratch memory and a page cache; one per thread. */
export class GinSearcher {
  private readonly pageCache: PageCache;
  private readonly pageReader = new PageReader();
  private readonly postings = new PostingBuffer();
  private readonly pendingKeys = new RowKeys();
  private readonly cursor = new ByteCursor();
  private counts: Uint32Array = new Uint32Array(0);
  private readonly hashedCounts = new Map<number, number>();
  private touched: Uint32Array = new Uint32Array(1024);
  private touchedCount = 0;
  /** Query keys as halves: one step's (all of them while pending rows are counted). */
  private queryHigh: Uint32Array = new Uint32Array(256);
  private queryLow: Uint32Array = new Uint32Array(256);
  /** Whether a search in steps is under way (its counting mode), so that an abandoned one can be reset. */
  private unfinished: boolean | undefined;

  constructor(options: { readonly pageCacheBytes?: number } = {}) {
    this.pageCache = new PageCache(options.pageCacheBytes ?? defaultPageCacheBytes);
  }

  /**
   * Rows of `source` sharing at least `minShared` (≥ 1) of the query keys, with their counts, by row id.
   * `queryKeys` must have the index's layout.
   */
  search(source: IndexSearchSource, queryKeys: SortedKeys, minShared: number): IndexMatches {
    const steps = this.searchInSteps(source, queryKeys, minShared);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
    }
  }

  /**
   * search() in steps: the generator yields after every `keysPerStep` query keys and `pendingRowsPerStep`
   * pending rows, so that a caller on the main thread can let the event loop run (an AbortSignal, Ctrl-C) and
   * check for cancellation; a search of a 10 Mbp query takes seconds. A caller that stops early must call
   * return() (the counts are reset then; a later search also resets what an abandoned one left).
   */
  *searchInSteps(source: IndexSearchSource, queryKeys: SortedKeys, minShared: number): Generator<void, IndexMatches, void> {
    if (!(minShared >= 1)) {
      throw new KmerSearchError(SqlState.internalError, 'an index search needs a threshold of at least 1 shared key');
    }
    const layout = source.layout;
    if (queryKeys.layout.kmerSize !== layout.kmerSize || queryKeys.layout.occurrenceBits !== layout.occurrenceBits) {
      throw new KmerSearchError(SqlState.internalError, 'query keys do not have the layout of the index');
    }
    if (this.unfinished !== undefined) this.reset(this.unfinished);
    const queryCount = queryKeys.count;
    if (queryCount === 0) return { count: 0, rowIds: new Uint32Array(0), shared: new Uint32Array(0) };
    const direct = source.rowIdLimit <= maxDirectCountRows;
    if (direct && this.counts.length < source.rowIdLimit) {
      this.counts = new Uint32Array(Math.max(source.rowIdLimit, Math.min(maxDirectCountRows, this.counts.length * 2)));
    }
    this.touchedCount = 0;
    this.unfinished = direct;
    try {
      const directory = pageDirectory(source.reader, source.storageId);
      for (let first = 0; first < queryCount && directory.count > 0; first += keysPerStep) {
        const end = Math.min(queryCount, first + keysPerStep);
        this.loadQuery(queryKeys, first, end);
        this.countPages(source, directory, end - first, direct);
        yield;
      }
      if (source.pendingRows > 0) {
        this.loadQuery(queryKeys, 0, queryCount);
        yield* this.countPending(source, queryCount, direct);
      }
      return this.collect(source, minShared, direct);
    } finally {
      this.reset(direct);
      this.unfinished = undefined;
      // A long query's halves are not kept for the searches after it (a 10 Mbp query's are 80 MB).
      if (this.queryHigh.length > keysPerStep) {
        this.queryHigh = new Uint32Array(keysPerStep);
        this.queryLow = new Uint32Array(keysPerStep);
      }
    }
  }

  /** Query keys first..end−1 as halves at queryHigh/queryLow[0, end − first). */
  private loadQuery(keys: SortedKeys, first: number, end: number): void {
    const count = end - first;
    if (this.queryHigh.length < count) {
      this.queryHigh = new Uint32Array(count);
      this.queryLow = new Uint32Array(count);
    }
    if (keys.wide) {
      this.queryHigh.set(keys.high.subarray(first, end));
      this.queryLow.set(keys.low.subarray(first, end));
    } else {
      for (let index = 0; index < count; index++) {
        const key = keys.values[first + index]!;
        this.queryHigh[index] = (key / TWO_POW_32) >>> 0;
        this.queryLow[index] = key >>> 0;
      }
    }
  }

  /** Counts the postings of the `count` query keys loaded (one step of searchInSteps). */
  private countPages(source: IndexSearchSource, directory: PageDirectory, count: number, direct: boolean): void {
    const keyFilter = directory.keyFilter(source.reader);
    const postings = this.postings;
    const limit = source.rowIdLimit;
    let loadedPage = -1;
    let page: Uint8Array | undefined;
    for (let index = 0; index < count; index++) {
      const high = this.queryHigh[index]!;
      const low = this.queryLow[index]!;
      let pageIndex = directory.findPage(high, low);
      if (pageIndex < 0) continue;
      if (keyFilter !== null && !keyFilter.mayContain(pageIndex, high, low)) continue;
      postings.count = 0;
      for (;;) {
        if (pageIndex !== loadedPage || page === undefined) {
          page = this.pageCache.get(directory, pageIndex);
          if (page === undefined) {
            const stored = source.reader.readIndexEntry(directory.keyOf(pageIndex));
            if (stored === undefined) {
              throw new KmerSearchError(SqlState.dataCorrupted, `index page ${pageIndex} of storage ${source.storageId} is missing`);
            }
            page = this.pageCache.put(directory, pageIndex, stored);
          }
          loadedPage = pageIndex;
        }
        let groupCount = directory.groupCounts[pageIndex]!;
        if (groupCount === 0) directory.groupCounts[pageIndex] = groupCount = pageGroupCount(page);
        const first = directory.firstKey(pageIndex);
        if (this.pageReader.findInPage(page, groupCount, first, directory.upperBound(pageIndex), high, low, postings) < 0) break;
        // A long list continues on the next pages (chunks).
        if (!directory.continues(pageIndex + 1, high, low)) break;
        pageIndex++;
      }
      const rowIds = postings.rowIds;
      for (let posting = 0; posting < postings.count; posting++) {
        const rowId = rowIds[posting]!;
        if (rowId < limit) this.increment(rowId, 1, direct);
      }
    }
  }

  private *countPending(source: IndexSearchSource, queryCount: number, direct: boolean): Generator<void, void, void> {
    const keys = this.pendingKeys;
    const queryHigh = this.queryHigh;
    const queryLow = this.queryLow;
    let rows = 0;
    for (const { rowId, value } of pendingEntries(source.reader, source.rowEntriesId, source.rowIdLimit)) {
      if (++rows % pendingRowsPerStep === 0) yield;
      decodePendingEntry(value, keys, this.cursor);
      // Both lists are sorted: count the intersection in one walk.
      let shared = 0;
      let queryIndex = 0;
      let keyIndex = 0;
      const keyCount = keys.count;
      while (queryIndex < queryCount && keyIndex < keyCount) {
        const queryKeyHigh = queryHigh[queryIndex]!;
        const rowKeyHigh = keys.high[keyIndex]!;
        if (queryKeyHigh < rowKeyHigh) queryIndex++;
        else if (queryKeyHigh > rowKeyHigh) keyIndex++;
        else {
          const queryKeyLow = queryLow[queryIndex]!;
          const rowKeyLow = keys.low[keyIndex]!;
          if (queryKeyLow < rowKeyLow) queryIndex++;
          else if (queryKeyLow > rowKeyLow) keyIndex++;
          else {
            shared++;
            queryIndex++;
            keyIndex++;
          }
        }
      }
      if (shared > 0) this.increment(rowId, shared, direct);
    }
  }

  private increment(rowId: number, by: number, direct: boolean): void {
    if (direct) {
      const before = this.counts[rowId]!;
      if (before === 0) this.touch(rowId);
      this.counts[rowId] = before + by;
    } else {
      const before = this.hashedCounts.get(rowId) ?? 0;
      if (before === 0) this.touch(rowId);
      this.hashedCounts.set(rowId, before + by);
    }
  }

  private touch(rowId: number): void {
    if (this.touchedCount === this.touched.length) {
      const grown = new Uint32Array(this.touched.length * 2);
      grown.set(this.touched);
      this.touched = grown;
    }
    this.touched[this.touchedCount++] = rowId;
  }

  private collect(source: IndexSearchSource, minShared: number, direct: boolean): IndexMatches {
    const candidates = new Uint32Array(this.touchedCount);
    let count = 0;
    for (let index = 0; index < this.touchedCount; index++) {
      const rowId = this.touched[index]!;
      const shared = direct ? this.counts[rowId]! : (this.hashedCounts.get(rowId) ?? 0);
      if (shared >= minShared && source.rows.isLive(rowId)) candidates[count++] = rowId;
    }
    const rowIds = candidates.subarray(0, count).sort();
    const shared = new Uint32Array(count);
    for (let index = 0; index < count; index++) {
      const rowId = rowIds[index]!;
      shared[index] = direct ? this.counts[rowId]! : (this.hashedCounts.get(rowId) ?? 0);
    }
    return { count, rowIds: rowIds.slice(), shared };
  }

  private reset(direct: boolean): void {
    if (direct) {
      for (let index = 0; index < this.touchedCount; index++) this.counts[this.touched[index]!] = 0;
    } else {
      this.hashedCounts.clear();
    }
    this.touchedCount = 0;
  }
}

/**
 * The `limit` best matches by shared count, ties broken by ascending row id (ORDER BY score DESC LIMIT n over
 * rows in row id order).
 */
export function topMatches(matches: IndexMatches, limit: number): IndexMatches {
  const order = Array.from({ length: matches.count }, (_, index) => index);
  order.sort((a, b) => matches.shared[b]! - matches.shared[a]! || matches.rowIds[a]! - matches.rowIds[b]!);
  const count = Math.max(0, Math.min(limit, matches.count));
  const rowIds = new Uint32Array(count);
  const shared = new Uint32Array(count);
  for (let index = 0; index < count; index++) {
    rowIds[index] = matches.rowIds[order[index]!]!;
    shared[index] = matches.shared[order[index]!]!;
  }
  return { count, rowIds, shared };
}
