/**
 * The key-counting task of the high-frequency analysis (seed 001, DESIGN §4): participants claim heap blocks from
 * the shared queue exactly as key extraction does, extract every visible row's keys under (k, b) with src/kmer
 * (deviation F3: too-short sequences have none) and add one per key to a count table — either the one shared
 * table (Atomics) or a private table handed back to the main thread without a copy (its buffer is a
 * SharedArrayBuffer). Every visible row is counted, NULL or not, because the reference's total_rows is COUNT(*).
 *
 * Progress is one shared counter of finished blocks that the main thread polls: no messages on the hot path.
 * Failure and cancellation follow runKeyExtraction: the first error or the AbortSignal sets the queue's cancelled
 * flag, participants stop at their next block, and one that does not within half a second is terminated.
 */
import { threadId } from 'node:worker_threads';
import { asKmerSearchError } from '../errors.js';
import { cancelledError, throwIfCancelled } from '../gin/index.js';
import { KeyExtractor, keyLayout, type KeyLayout, type KeyList } from '../kmer/index.js';
import { HeapBlockReader, rawDnaValue } from '../storage/index.js';
import { isDeletedSlot, readClaimedBlock } from './claimed-block.js';
import type { ExtractKeysTestHooks } from './extract-keys.js';
import { KeyPartitions, mergeCountPartitions, type KeyPartitionsState, type MergeCountInput, type MergeCountResult } from './key-partitions.js';
import { KeyCountTable, SharedKeyCountTable, type KeyCountTableState, type SharedKeyCountTableState } from './key-counts.js';
import type { WorkerPool } from './pool.js';
import { BlockWorkQueue, SharedBlockList } from './work-queue.js';

/** Where a participant counts. */
export type KeyCountingTarget =
  | { readonly variant: 'shared'; readonly table: SharedKeyCountTableState }
  | { readonly variant: 'per-worker'; readonly maxTableBytes: number }
  | { readonly variant: 'sorted'; readonly partitionBits: number; readonly maxBytes: number };

export interface CountKeysInput {
  readonly databasePath: string;
  readonly storageId: number;
  readonly columnIndex: number;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  /** SharedBlockList buffer. */
  readonly blockList: SharedArrayBuffer;
  /** BlockWorkQueue buffer. */
  readonly queue: SharedArrayBuffer;
  /** Int32 counter of finished blocks, shared by all participants. */
  readonly progress: SharedArrayBuffer;
  readonly target: KeyCountingTarget;
  /** Set for the second phase of variant 'sorted': merge-count key ranges instead of scanning blocks. */
  readonly merge?: MergeCountInput | undefined;
  readonly testHooks?: ExtractKeysTestHooks | undefined;
}

export interface CountKeysResult {
  readonly blocks: number;
  /** Visible rows, NULL or not. */
  readonly rows: number;
  /** Visible rows with a non-NULL sequence. */
  readonly sequences: number;
  /** Keys counted (one per key per row). */
  readonly keys: number;
  /** The thread that did the work (0 = main thread). */
  readonly threadId: number;
  /** The participant's private table (variant 'per-worker'), null for the shared variant. */
  readonly table: KeyCountTableState | null;
  /** The participant's key buckets (variant 'sorted', scan phase), else null. */
  readonly partitions: KeyPartitionsState | null;
  /** The key ranges this participant counted (variant 'sorted', merge phase), else null. */
  readonly merged: MergeCountResult | null;
}

export class KeyCountingTask {
  private readonly layout: KeyLayout;
  private readonly blocks: SharedBlockList;
  private readonly queue: BlockWorkQueue;
  private readonly progress: Int32Array;
  private readonly extractor = new KeyExtractor();
  private readonly shared: SharedKeyCountTable | null;
  private readonly own: KeyCountTable | null;
  private readonly buckets: KeyPartitions | null;
  private blocksDone = 0;
  private rowsDone = 0;
  private sequencesDone = 0;
  private keysDone = 0;
  private readonly sleeper: Int32Array | null;
  /** Counts one chunk of a row's keys (one function for every row: no closure per row). */
  private readonly countKeys = (keys: KeyList): void => {
    this.keysDone += keys.count;
    if (this.buckets !== null) this.buckets.addKeys(keys);
    else if (this.shared !== null) this.shared.addKeys(keys);
    else this.own!.addKeys(keys);
  };

  constructor(
    private readonly input: CountKeysInput,
    private readonly reader: Pick<HeapBlockReader, 'readBlock'>,
  ) {
    this.layout = keyLayout(input.kmerSize, input.occurrenceBits);
    this.blocks = SharedBlockList.attach(input.blockList);
    this.queue = BlockWorkQueue.attach(input.queue);
    this.progress = new Int32Array(input.progress);
    const target = input.target;
    this.shared = target.variant === 'shared' ? SharedKeyCountTable.attach(target.table) : null;
    this.own = target.variant === 'per-worker' ? KeyCountTable.create(this.layout.totalBits, target.maxTableBytes) : null;
    this.buckets = target.variant === 'sorted' ? new KeyPartitions(this.layout.totalBits, target.partitionBits, target.maxBytes) : null;
    this.sleeper = input.testHooks?.delayPerBlockMs === undefined ? null : new Int32Array(new SharedArrayBuffer(4));
  }

  /** Claims and processes up to `maxBlocks` blocks; false once the queue is empty or cancelled. */
  step(maxBlocks: number): boolean {
    for (let done = 0; done < maxBlocks; done++) {
      const index = this.queue.claim(this.blocks.count);
      if (index < 0) return false;
      this.processBlock(index);
    }
    return true;
  }

  finish(): CountKeysResult {
    this.shared?.publish();
    return {
      blocks: this.blocksDone,
      rows: this.rowsDone,
      sequences: this.sequencesDone,
      keys: this.keysDone,
      threadId,
      table: this.own === null ? null : this.own.state(),
      partitions: this.buckets === null ? null : this.buckets.state(),
      merged: null,
    };
  }

  private processBlock(index: number): void {
    const { column, slotLimit, tombstones } = readClaimedBlock(this.reader, this.blocks, index, this.input);
    const layout = this.layout;
    for (let slot = 0; slot < slotLimit; slot++) {
      if (isDeletedSlot(tombstones, slot)) continue;
      this.rowsDone++;
      const value = rawDnaValue(column, slot);
      if (value === null) continue;
      this.sequencesDone++;
      // In chunks: a chromosome's keys are counted as they come, never all in memory at once.
      this.extractor.extractStoredInChunks(layout, value, this.countKeys);
    }
    this.blocksDone++;
    Atomics.add(this.progress, 0, 1);
    if (this.sleeper !== null) Atomics.wait(this.sleeper, 0, 0, this.input.testHooks?.delayPerBlockMs ?? 0);
  }
}

/** Runs one counting task to its end in the current thread (a pool worker's entry). */
export function countKeysInWorker(input: CountKeysInput, reader: Pick<HeapBlockReader, 'readBlock'>): CountKeysResult {
  if (input.merge !== undefined) return mergeInThisThread(input);
  const task = new KeyCountingTask(input, reader);
  while (task.step(Number.MAX_SAFE_INTEGER));
  return task.finish();
}

export interface KeyCountingOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called with the number of finished blocks (polled every `progressIntervalMs` while workers run). */
  readonly onBlocksDone?: ((blocksDone: number) => void) | undefined;
  readonly progressIntervalMs?: number | undefined;
}

/** How long participants get to stop by themselves after cancellation before their threads are terminated. */
const terminateAfterMs = 500;

/**
 * Runs the counting on `workers` pool threads (or in the calling thread when 0) over one shared queue. Resolves
 * with each participant's counters once all have finished; rejects with the first error (57014 on abort).
 */
export async function runKeyCounting(
  pool: WorkerPool | null,
  workers: number,
  input: Omit<CountKeysInput, 'queue' | 'progress'>,
  options: KeyCountingOptions = {},
): Promise<CountKeysResult[]> {
  const queue = BlockWorkQueue.create();
  const progressBuffer = new SharedArrayBuffer(4);
  const progress = new Int32Array(progressBuffer);
  const taskInput: CountKeysInput = { ...input, queue: queue.buffer, progress: progressBuffer };
  const signal = options.signal;
  let reported = -1;
  const report = (): void => {
    const done = Atomics.load(progress, 0);
    if (done !== reported) {
      reported = done;
      options.onBlocksDone?.(done);
    }
  };
  if (workers === 0 || pool === null) return [await countInCallingThread(taskInput, queue, signal, report)];

  const terminate = new AbortController();
  let terminateTimer: NodeJS.Timeout | undefined;
  let firstError: unknown;
  const fail = (error: unknown): void => {
    firstError ??= error;
    queue.cancel();
  };
  const onAbort = (): void => {
    fail(cancelledError());
    terminateTimer ??= setTimeout(() => terminate.abort(), terminateAfterMs);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted === true) onAbort();
  const poller = options.onBlocksDone === undefined ? undefined : setInterval(report, options.progressIntervalMs ?? 100);
  try {
    const participants = Array.from({ length: workers }, async (): Promise<CountKeysResult> => {
      try {
        return await pool.run<CountKeysResult>({ kind: 'count-keys', input: taskInput }, { signal: terminate.signal });
      } catch (error) {
        fail(error);
        throw error;
      }
    });
    const settled = await Promise.allSettled(participants);
    if (firstError !== undefined) throw asKmerSearchError(firstError);
    report();
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<CountKeysResult>).value);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (terminateTimer !== undefined) clearTimeout(terminateTimer);
    if (poller !== undefined) clearInterval(poller);
  }
}

/** The merge phase of variant 'sorted' in the current thread; stops early when the queue was cancelled. */
function mergeInThisThread(input: CountKeysInput): CountKeysResult {
  const queue = BlockWorkQueue.attach(input.queue);
  const merged = mergeCountPartitions(input.merge!, () => queue.cancelled);
  return { blocks: 0, rows: 0, sequences: 0, keys: 0, threadId, table: null, partitions: null, merged };
}

/** Zero workers: the same task in this thread, yielding to the event loop between slices of blocks. */
async function countInCallingThread(
  input: CountKeysInput,
  queue: BlockWorkQueue,
  signal: AbortSignal | undefined,
  report: () => void,
): Promise<CountKeysResult> {
  const reader = HeapBlockReader.open(input.databasePath);
  try {
    if (input.merge !== undefined) {
      throwIfCancelled(signal);
      return mergeInThisThread(input);
    }
    const task = new KeyCountingTask(input, reader);
    for (;;) {
      throwIfCancelled(signal);
      const more = task.step(16);
      report();
      if (!more) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    throwIfCancelled(signal);
    return task.finish();
  } catch (error) {
    queue.cancel();
    // As from a worker: anything that is not a KmerSearchError becomes XX000 with its message.
    throw asKmerSearchError(error);
  } finally {
    await reader.close();
  }
}
