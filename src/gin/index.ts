/**
 * src/gin — the inverted index of kmersearch (DESIGN §3). It owns the on-disk form of an index and everything
 * that reads or rewrites it: the posting-list codec (row ids as varint gaps, chunked when long), key-range pages
 * of a few KiB under `[storageId][first key]` with an in-memory directory of page first keys and a key filter
 * split by page, the sort-and-merge bulk build from sorted (key, row id) runs within a memory budget (spilling
 * runs to files), the pending list for rows inserted after a build and its bulk merge, clearing, and the search
 * that counts shared keys per row.
 *
 * It does not extract keys for bulk builds or run threads: src/parallel's workers produce the sorted runs and
 * hand them to an IndexBuilder. Atomicity and crash safety are storage's (fresh spaces published by the commit,
 * per-row entries visible with their rows); see src/storage/README.md.
 */
export { encodePostingList, decodePostingList, postingListChunks, postingListLength } from './posting-list.js';
export { PageBuilder, PageReader, PostingBuffer, keysPerGroup, maxPageBytes, pageFormatVersion, pageGroupCount } from './page.js';
export { PageCache, PageDirectory, pageDirectory, pageKey, spaceEnd, spaceStart } from './directory.js';
export { KeyFilter, keyFilterBitsPerKey } from './key-filter.js';
export {
  PairSorter,
  bytesPerPair,
  checkIndexableRowIdLimit,
  checkSortedRun,
  makeSortedRun,
  maxIndexedRowIdLimit,
  runBytes,
  type SortedRun,
} from './sorted-run.js';
export { IndexPagesWriter, LiveRowFilter, RunMerger, type PageStatistics, type PairSink, type RowFilter } from './merge.js';
export { MemoryRunSource, PageRunSource, RunCollector, SpilledRunSource, type RunSource } from './run-sources.js';
export {
  DetachedPagesBuild,
  IndexBuilder,
  cancelledError,
  encodedPagesTransferList,
  writeEncodedPages,
  type EncodedPages,
  throwIfCancelled,
  type BuildReport,
  type BuildResources,
} from './build.js';
export {
  emptyStatistics,
  ginIndexOptions,
  ginKeyLayout,
  newGinIndexOptions,
  type GinIndexOptions,
  type GinStatistics,
} from './index-options.js';
export {
  addPendingRows,
  decodePendingEntry,
  defaultPendingListLimitBytes,
  encodePendingEntry,
  insertIndexRows,
  mergePendingList,
  pendingEntries,
  RowKeys,
  type PendingInsertOptions,
} from './pending.js';
export { clearIndex } from './clear.js';
export { GinSearcher, openIndexSearch, topMatches, type IndexMatches, type IndexSearchSource } from './search.js';
