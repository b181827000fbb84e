/**
 * The whole bulk build of one index on one worker thread, short of writing (kmersearch_parallel_create_index:
 * one such task per partition): extract keys into sorted runs, keep them within half of the budget and spill the
 * rest (to a spill file the main thread created and removes), merge them and encode the pages (src/gin's
 * DetachedPagesBuild). The encoded pages go back over the task's port as transferred buffers; the main thread
 * only appends them to LMDB (src/gin writeEncodedPages). Partitions' merges thereby run in parallel instead of
 * taking turns on the main thread.
 *
 * Cancellation: the main thread sets the queue's "cancelled" flag, which stops the extraction at the next block
 * and the merge at its next slice.
 */
import { rmSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { cancelledError, DetachedPagesBuild, encodedPagesTransferList, type EncodedPages } from '../gin/index.js';
import { keyLayout } from '../kmer/index.js';
import type { HeapBlockReader } from '../storage/index.js';
import { KeyExtractionTask, type ExtractKeysInput, type ExtractKeysResult } from './extract-keys.js';
import { BlockWorkQueue } from './work-queue.js';

export interface BuildPagesInput extends ExtractKeysInput {
  /** `maintenance_work_mem` of this build in bytes. */
  readonly memoryBudgetBytes: number;
  /** An empty spill file the main thread created (and removes, whatever happens). */
  readonly spillPath: string;
}

export interface BuildPagesResult extends ExtractKeysResult {
  /** Milliseconds of extraction (with sorting and spilling) and of merge with page encoding, in the worker. */
  readonly extractionMs: number;
  readonly mergeMs: number;
}

/** Messages of a page-building task on its port: the pages, posted before the task's reply. */
export interface PagesMessage {
  readonly type: 'pages';
  readonly pages: EncodedPages;
}

export async function buildPagesInWorker(
  input: BuildPagesInput,
  reader: Pick<HeapBlockReader, 'readBlock'>,
  port: MessagePort,
): Promise<BuildPagesResult> {
  const queue = BlockWorkQueue.attach(input.queue);
  const checkCancelled = (): void => {
    if (queue.cancelled) throw cancelledError();
  };
  const spillFile = { path: input.spillPath, remove: (): void => rmSync(input.spillPath, { force: true }) };
  const build = new DetachedPagesBuild(keyLayout(input.kmerSize, input.occurrenceBits), input.memoryBudgetBytes, () => spillFile, checkCancelled);
  try {
    const started = performance.now();
    const task = new KeyExtractionTask(input, reader, (run) => build.addBorrowedRun(run), true);
    while (task.step(Number.MAX_SAFE_INTEGER));
    const result = task.finish();
    // The queue also empties when cancelled: then there is nothing to merge.
    checkCancelled();
    const extracted = performance.now();
    const pages = await build.finish();
    const message: PagesMessage = { type: 'pages', pages };
    port.postMessage(message, encodedPagesTransferList(pages));
    return { ...result, extractionMs: extracted - started, mergeMs: performance.now() - extracted };
  } finally {
    build.dispose();
  }
}
