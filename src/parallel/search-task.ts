/**
 * Index searches in worker threads: a batch of query texts against one index as the main thread's view sees it
 * (its data spaces, row id limit and deleted slots travel in an IndexSearchDescriptor). Each query's keys are
 * extracted (without the high-frequency keys of `excludedKeys`, SPEC §4), ams is computed with src/kmer's rule,
 * and the best `limit` rows by shared count are returned.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import {
  GinSearcher,
  LiveRowFilter,
  cancelledError,
  ginIndexOptions,
  topMatches,
  type IndexSearchSource,
} from '../gin/index.js';
import { actualMinScore, keyLayout, queryKeysOf, withoutKeys, KeyExtractor, type MatchThresholds } from '../kmer/index.js';
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

/** Runs a batch against `reader` (in a worker: its HeapBlockReader; in the calling thread: a view). */
export function searchBatch(reader: IndexDataReader, input: SearchBatchInput): SearchBatchResult {
  const source = searchSourceOf(reader, input.index);
  if (searcher === undefined || searcherCacheBytes !== input.pageCacheBytes) {
    searcher = new GinSearcher(input.pageCacheBytes === undefined ? {} : { pageCacheBytes: input.pageCacheBytes });
    searcherCacheBytes = input.pageCacheBytes;
  }
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
      const best = topMatches(searcher!.search(source, keys, ams), input.limit);
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
