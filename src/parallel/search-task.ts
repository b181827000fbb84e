/**
 * Index searches in worker threads: a batch of query texts against one index as the main thread's view sees it
 * (its data spaces, row id limit and deleted slots travel in an IndexSearchDescriptor). Each query's keys are
 * extracted (without the high-frequency keys of `excludedKeys`, SPEC §4), ams is computed with src/kmer's rule,
 * and the best `limit` rows by shared count are returned.
 *
 * Claimed searches (`searchClaimed`): one statement's searches of several indexes (a partitioned table's
 * partitions), each with the keys and threshold the caller already prepared, taken one at a time through
 * SearchClaims by whoever is free — the calling thread as well as the pool tasks — so that a search costs no more
 * than one task per worker thread and a worker that starts late takes less (or nothing).
 */
import { KmerSearchError, SqlState } from '../errors.js';
import {
  GinSearcher,
  LiveRowFilter,
  cancelledError,
  ginIndexOptions,
  topMatches,
  type IndexMatches,
  type IndexSearchSource,
} from '../gin/index.js';
import { actualMinScore, keyLayout, queryKeysOf, withoutKeys, KeyExtractor, type MatchThresholds, type SortedKeys } from '../kmer/index.js';
import { HeapBlockReader, listTableBlocks, type IndexDataReader, type StorageView } from '../storage/index.js';
import type { WorkerPool } from './pool.js';
import { SharedKeySet } from './shared-key-set.js';

/** What a worker needs to search an index exactly as a view sees it. */
export interface IndexSearchDescriptor {
  readonly storageId: number;
  readonly rowEntriesId: number;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  readonly rowIdLimit: number;
  /** Entries in the pending list when described. */
  readonly pendingRows: number;
  /** Blocks with deleted slots and their 32-byte bitmaps (block i's bitmap at i × 32). */
  readonly tombstoneBlocks: Uint32Array;
  readonly tombstoneBitmaps: Uint8Array;
}

export function describeIndexSearch(view: StorageView, indexId: number): IndexSearchDescriptor {
  const index = view.getIndex(indexId);
  if (index === undefined) throw new KmerSearchError(SqlState.undefinedObject, `index with id ${indexId} does not exist`);
  const options = ginIndexOptions(index);
  const { rowIdLimit, blocks } = listTableBlocks(view, index.tableId);
  const withTombstones = blocks.filter((block) => block.tombstones !== null);
  const tombstoneBlocks = new Uint32Array(withTombstones.length);
  const tombstoneBitmaps = new Uint8Array(withTombstones.length * 32);
  withTombstones.forEach((block, position) => {
    tombstoneBlocks[position] = block.block;
    tombstoneBitmaps.set((block.tombstones as Uint8Array).subarray(0, 32), position * 32);
  });
  return {
    storageId: index.storageId,
    rowEntriesId: index.rowEntriesId,
    kmerSize: options.kmerSize,
    occurrenceBits: options.occurrenceBits,
    rowIdLimit,
    pendingRows: options.pendingRows,
    tombstoneBlocks,
    tombstoneBitmaps,
  };
}

export function searchSourceOf(reader: IndexDataReader, descriptor: IndexSearchDescriptor): IndexSearchSource {
  const blocks = Array.from(descriptor.tombstoneBlocks, (block, position) => ({
    block,
    slotLimit: 256,
    tombstones: descriptor.tombstoneBitmaps.subarray(position * 32, position * 32 + 32),
  }));
  return {
    reader,
    storageId: descriptor.storageId,
    rowEntriesId: descriptor.rowEntriesId,
    layout: keyLayout(descriptor.kmerSize, descriptor.occurrenceBits),
    rowIdLimit: descriptor.rowIdLimit,
    rows: new LiveRowFilter(descriptor.rowIdLimit, blocks),
    pendingRows: descriptor.pendingRows,
  };
}

export interface SearchBatchInput {
  readonly databasePath: string;
  readonly index: IndexSearchDescriptor;
  readonly queries: readonly string[];
  readonly thresholds: MatchThresholds;
  /** Best rows kept per query. */
  readonly limit: number;
  /**
   * High-frequency exclusion (SPEC §4): the analysis's keys (a SharedKeySet's buffer, shared without a copy), which
   * the index was built without. Each query is searched for Q \ H with ams = max(1, base − |H|).
   */
  readonly excludedKeys?: SharedArrayBuffer | null | undefined;
  /** Page cache of the searching thread (default: gin's defaultPageCacheBytes). */
  readonly pageCacheBytes?: number | undefined;
}

/** Results of a batch, flattened: query i's rows are [offsets[i], offsets[i+1]) of rowIds/shared, best first. */
export interface SearchBatchResult {
  readonly offsets: Uint32Array;
  readonly rowIds: Uint32Array;
  readonly shared: Uint32Array;
}

let searcher: GinSearcher | undefined;
let searcherCacheBytes: number | undefined;
let extractor: KeyExtractor | undefined;

/** The thread's searcher, with a page cache of `pageCacheBytes` (default: gin's defaultPageCacheBytes). */
function threadSearcher(pageCacheBytes: number | undefined): GinSearcher {
  if (searcher === undefined || searcherCacheBytes !== pageCacheBytes) {
    searcher = new GinSearcher(pageCacheBytes === undefined ? {} : { pageCacheBytes });
    searcherCacheBytes = pageCacheBytes;
  }
  return searcher;
}

/** Runs a batch against `reader` (in a worker: its HeapBlockReader; in the calling thread: a view). */
export function searchBatch(reader: IndexDataReader, input: SearchBatchInput): SearchBatchResult {
  const source = searchSourceOf(reader, input.index);
  const searcher = threadSearcher(input.pageCacheBytes);
  extractor ??= new KeyExtractor();
  const excluded = input.excludedKeys === undefined || input.excludedKeys === null ? null : SharedKeySet.attach(input.excludedKeys);
  const offsets = new Uint32Array(input.queries.length + 1);
  const rowIds: number[] = [];
  const shared: number[] = [];
  input.queries.forEach((text, query) => {
    const queryKeys = queryKeysOf(source.layout, text, extractor);
    const keys = excluded === null ? queryKeys : withoutKeys(queryKeys, excluded);
    if (keys.count > 0) {
      const ams = excluded === null ? actualMinScore(input.thresholds, keys.count) : actualMinScore(input.thresholds, queryKeys.count, queryKeys.count - keys.count);
      if (ams < 1) {
        throw new KmerSearchError(SqlState.featureNotSupported, 'an index cannot answer a search whose threshold is 0', {
          hint: 'Raise kmersearch.min_score or kmersearch.min_shared_kmer_rate.',
        });
      }
      const best = topMatches(searcher.search(source, keys, ams), input.limit);
      for (let index = 0; index < best.count; index++) {
        rowIds.push(best.rowIds[index]!);
        shared.push(best.shared[index]!);
      }
    }
    offsets[query + 1] = rowIds.length;
  });
  return { offsets, rowIds: Uint32Array.from(rowIds), shared: Uint32Array.from(shared) };
}

/**
 * Searches many queries on up to `workers` pool threads (batches of `batchSize` queries claimed as threads free
 * up), or in the calling thread when there is no pool. Results are in query order.
 */
export async function searchQueries(
  pool: WorkerPool | null,
  workers: number,
  input: SearchBatchInput,
  options: { readonly batchSize?: number; readonly signal?: AbortSignal } = {},
): Promise<SearchBatchResult> {
  const batchSize = Math.max(1, options.batchSize ?? 256);
  const batches: SearchBatchInput[] = [];
  for (let from = 0; from < input.queries.length; from += batchSize) {
    batches.push({ ...input, queries: input.queries.slice(from, from + batchSize) });
  }
  let results: SearchBatchResult[];
  if (pool === null || workers === 0 || pool.maxThreads === 0) {
    const reader = HeapBlockReader.open(input.databasePath);
    try {
      results = [];
      for (const batch of batches) {
        if (options.signal?.aborted === true) throw cancelledError();
        results.push(searchBatch(reader, batch));
      }
    } finally {
      await reader.close();
    }
  } else {
    // At most `workers` batches in flight: the pool may be larger than what this search may use.
    results = new Array<SearchBatchResult>(batches.length);
    let next = 0;
    const lanes = Array.from({ length: Math.min(workers, pool.maxThreads, batches.length) }, async () => {
      while (next < batches.length) {
        const index = next++;
        results[index] = await pool.run<SearchBatchResult>(
          { kind: 'search', input: batches[index]! },
          options.signal === undefined ? {} : { signal: options.signal },
        );
      }
    });
    await Promise.all(lanes);
  }
  return concatenateResults(results);
}

function concatenateResults(results: readonly SearchBatchResult[]): SearchBatchResult {
  let queries = 0;
  let rows = 0;
  for (const result of results) {
    queries += result.offsets.length - 1;
    rows += result.rowIds.length;
  }
  const offsets = new Uint32Array(queries + 1);
  const rowIds = new Uint32Array(rows);
  const shared = new Uint32Array(rows);
  let query = 0;
  let row = 0;
  for (const result of results) {
    for (let index = 1; index < result.offsets.length; index++) offsets[++query] = row + result.offsets[index]!;
    rowIds.set(result.rowIds, row);
    shared.set(result.shared, row);
    row += result.rowIds.length;
  }
  return { offsets, rowIds, shared };
}

/**
 * Who searches which item of a claimed search: one Int32 slot per item in a SharedArrayBuffer, 0 while unclaimed,
 * then the number of the participant that took it. Participants take the first unclaimed item with
 * Atomics.compareExchange (items are few: a table's partitions), so each item is searched exactly once, and once
 * the calling thread finds none left it knows from the slots which tasks hold an item and must be waited for.
 */
export class SearchClaims {
  private readonly slots: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.slots = new Int32Array(buffer);
  }

  static create(itemCount: number): SearchClaims {
    return new SearchClaims(new SharedArrayBuffer(4 * itemCount));
  }

  get itemCount(): number {
    return this.slots.length;
  }

  /** The next item for `participant` (≥ 1), or −1 when every item is taken. */
  claim(participant: number): number {
    for (let item = 0; item < this.slots.length; item++) {
      if (Atomics.compareExchange(this.slots, item, 0, participant) === 0) return item;
    }
    return -1;
  }

  /** The participant that took `item` (0: nobody yet). */
  holder(item: number): number {
    return Atomics.load(this.slots, item);
  }
}

/** One item of a claimed search: an index, the prepared keys to search it for (by position) and the threshold. */
export interface ClaimedSearchItem {
  readonly index: IndexSearchDescriptor;
  /** Position of the keys in ClaimedSearchInput.keyLists (items with the same query share one list). */
  readonly keyList: number;
  /** ams ≥ 1: rows sharing at least this many keys. */
  readonly minShared: number;
}

export interface ClaimedSearchInput {
  readonly databasePath: string;
  readonly items: readonly ClaimedSearchItem[];
  readonly keyLists: readonly SortedKeys[];
  /** SearchClaims' buffer, shared with the other participants. */
  readonly claims: SharedArrayBuffer;
  /** This participant's number (≥ 1, distinct per participant). */
  readonly participant: number;
  /** Page cache of the searching thread, kept across tasks (default: gin's defaultPageCacheBytes). */
  readonly pageCacheBytes?: number | undefined;
  /** Failure injection for tests (production never sets it). */
  readonly testHooks?: ClaimedSearchTestHooks | undefined;
}

/**
 * How a claimed-search task fails right after claiming its first item, for the tests of the caller's fallback:
 * with a KmerSearchError, with an error that is not one (a bug), or by ending its worker thread (as a crash would).
 */
export interface ClaimedSearchTestHooks {
  readonly failAfterClaim: 'error' | 'foreign error' | 'thread exit';
}

function failForTest(hooks: ClaimedSearchTestHooks, item: number): never {
  switch (hooks.failAfterClaim) {
    case 'error':
      throw new KmerSearchError(SqlState.dataCorrupted, `test hook: claimed search failed at item ${item}`);
    case 'foreign error':
      throw new TypeError(`test hook: claimed search failed at item ${item}`);
    case 'thread exit':
      // In a worker thread process.exit ends that thread only; claimed searches run only in workers.
      process.exit(1);
  }
}

/** The items a participant searched and their rows (ascending by row id, as gin's search gives them). */
export interface ClaimedSearchResult {
  readonly items: readonly number[];
  readonly matches: readonly IndexMatches[];
}

/** A participant of a claimed search: searches items as it claims them until none is left. */
export function searchClaimed(reader: IndexDataReader, input: ClaimedSearchInput): ClaimedSearchResult {
  const claims = new SearchClaims(input.claims);
  const searcher = threadSearcher(input.pageCacheBytes);
  const items: number[] = [];
  const matches: IndexMatches[] = [];
  for (let item = claims.claim(input.participant); item >= 0; item = claims.claim(input.participant)) {
    if (input.testHooks !== undefined) failForTest(input.testHooks, item);
    const { index, keyList, minShared } = input.items[item]!;
    matches.push(searcher.search(searchSourceOf(reader, index), input.keyLists[keyList]!, minShared));
    items.push(item);
  }
  return { items, matches };
}
