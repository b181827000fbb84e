/**
 * src/parallel — heavy work on worker threads (DESIGN §4). It owns the worker pool of an open database (piscina,
 * created on first use, sized by `max_parallel_workers`, closed with the database), the block work queue (a
 * shared counter claimed with Atomics.add, plus a cancellation flag, and the block list of the main thread's view
 * in shared memory), read-only shared tables (SharedKeySet: the keys an index build leaves out), and the tasks
 * that run on the pool: key extraction into sorted runs for index builds, a whole index build on one worker
 * (build-pages.ts), batched index searches and claimed searches of several indexes (search-task.ts), and the
 * high-frequency analysis's key counting (count-keys.ts). With zero workers every task runs in the calling thread.
 *
 * Workers only read (storage's HeapBlockReader); runs and results come back as transferred typed arrays, errors
 * as serialised KmerSearchErrors; all writing stays on the main thread (src/gin's IndexBuilder).
 */
export { WorkerPool, workerEntry, type WorkerPoolOptions } from './pool.js';
export { BlockWorkQueue, SharedBlockList } from './work-queue.js';
export { SharedKeySet } from './shared-key-set.js';
export {
  KeyExtractionTask,
  runTransferList,
  type ExtractKeysInput,
  type ExtractKeysResult,
  type ExtractKeysTestHooks,
} from './extract-keys.js';
export { buildIndex, runKeyExtraction, type IndexBuildOptions, type IndexBuildReport } from './build-index.js';
export {
  describeIndexSearch,
  searchBatch,
  searchClaimed,
  searchQueries,
  searchSourceOf,
  SearchClaims,
  type ClaimedSearchInput,
  type ClaimedSearchItem,
  type ClaimedSearchResult,
  type ClaimedSearchTestHooks,
  type IndexSearchDescriptor,
  type SearchBatchInput,
  type SearchBatchResult,
} from './search-task.js';
export {
  KeyCountSlots,
  KeyCountTable,
  SharedKeyCountTable,
  bytesPerSlot,
  countTableOverflow,
  type KeyCountTableState,
  type SharedKeyCountTableState,
} from './key-counts.js';
export {
  KeyCountingTask,
  runKeyCounting,
  type CountKeysInput,
  type CountKeysResult,
  type KeyCountingOptions,
  type KeyCountingTarget,
} from './count-keys.js';
export { deserializeError, serializeError, type SerializedError, type TaskReply } from './task-errors.js';
export type { ExtractionMessage, WorkerRequest } from './worker.js';
