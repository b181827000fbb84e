/**
 * The key-extraction task of an index build (and later of the analysis): claim blocks from the shared queue,
 * decode the DNA column with storage's pure block codec, extract every visible row's keys under (k, b) with
 * src/kmer (deviation F3: too-short sequences have none), leave out excluded keys, and hand on sorted runs of
 * (key, row id) of bounded size. The same code runs in a worker thread and, with zero workers, in the calling
 * thread.
 *
 * Rows are visited in ascending row id order (blocks are claimed in list order, slots in slot order), which the
 * stable radix sort of gin relies on to keep row ids ascending within a key.
 */
import { threadId } from 'node:worker_threads';
import { makeSortedRun, PairSorter, type SortedRun } from '../gin/index.js';
import { KeyExtractor, keyLayout, type KeyLayout, type KeyList } from '../kmer/index.js';
import { rawDnaValue, rowsPerBlock, type HeapBlockReader } from '../storage/index.js';
import { isDeletedSlot, readClaimedBlock } from './claimed-block.js';
import { SharedKeySet } from './shared-key-set.js';
import { BlockWorkQueue, SharedBlockList } from './work-queue.js';

const TWO_POW_32 = 4294967296;

/** Test-only ways to make a participant fail or slow down (never set in production). */
export interface ExtractKeysTestHooks {
  /** Throw a KmerSearchError when this block number is claimed. */
  readonly failAtBlock?: number;
  /** Throw a plain Error (not a KmerSearchError) instead. */
  readonly foreignError?: boolean;
  /** Read these block numbers as garbage bytes (a corrupt block). */
  readonly corruptBlocks?: readonly number[];
  /** Sleep this long after each block (makes cancellation observable). */
  readonly delayPerBlockMs?: number;
}

export interface ExtractKeysInput {
  readonly databasePath: string;
  readonly storageId: number;
  readonly columnIndex: number;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  /** SharedBlockList buffer. */
  readonly blockList: SharedArrayBuffer;
  /** BlockWorkQueue buffer. */
  readonly queue: SharedArrayBuffer;
  /** Most pairs per run (bounded by the memory budget). */
  readonly runCapacity: number;
  /** SharedKeySet buffer of keys to leave out, or null. */
  readonly excludedKeys: SharedArrayBuffer | null;
  readonly testHooks?: ExtractKeysTestHooks | undefined;
}

export interface ExtractKeysResult {
  readonly blocks: number;
  readonly rows: number;
  readonly keys: number;
  readonly runs: number;
  /** The thread that did the work (0 = main thread). */
  readonly threadId: number;
}

export class KeyExtractionTask {
  private readonly layout: KeyLayout;
  private readonly blocks: SharedBlockList;
  private readonly queue: BlockWorkQueue;
  private readonly excluded: SharedKeySet | null;
  private readonly extractor = new KeyExtractor();
  private readonly sorter = new PairSorter();
  private readonly high: Uint32Array;
  private readonly low: Uint32Array;
  private readonly rowIds: Uint32Array;
  private count = 0;
  private blocksDone = 0;
  private rowsDone = 0;
  private keysDone = 0;
  private runsDone = 0;
  private readonly sleeper: Int32Array | null;
  /** The row whose keys `addRowKeys` receives (one function for every row: no closure per row). */
  private rowId = 0;
  private readonly addRowKeys = (keys: KeyList): void => this.addKeys(this.rowId, keys);

  constructor(
    private readonly input: ExtractKeysInput,
    private readonly reader: Pick<HeapBlockReader, 'readBlock'>,
    private readonly emit: (run: SortedRun) => void,
    /**
     * Hand runs on as key halves over this task's own arrays, valid only during the `emit` call (whoever keeps a
     * run copies it; a run spilled at once is never copied). For a consumer in the same thread; runs posted to
     * another thread must own their buffers.
     */
    private readonly borrowRuns = false,
  ) {
    this.layout = keyLayout(input.kmerSize, input.occurrenceBits);
    this.blocks = SharedBlockList.attach(input.blockList);
    this.queue = BlockWorkQueue.attach(input.queue);
    this.excluded = input.excludedKeys === null ? null : SharedKeySet.attach(input.excludedKeys);
    const capacity = Math.max(1, input.runCapacity);
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.rowIds = new Uint32Array(capacity);
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

  /** Hands on the last partial run; the counters of this participant. */
  finish(): ExtractKeysResult {
    this.flushRun();
    return { blocks: this.blocksDone, rows: this.rowsDone, keys: this.keysDone, runs: this.runsDone, threadId };
  }

  private processBlock(index: number): void {
    const { block, column, slotLimit, tombstones } = readClaimedBlock(this.reader, this.blocks, index, this.input);
    const firstRowId = block * rowsPerBlock;
    for (let slot = 0; slot < slotLimit; slot++) {
      if (isDeletedSlot(tombstones, slot)) continue;
      const value = rawDnaValue(column, slot);
      if (value === null) continue;
      this.rowsDone++;
      // In chunks: a chromosome's keys go to runs as they come, never all in memory at once.
      this.rowId = firstRowId + slot;
      this.extractor.extractStoredInChunks(this.layout, value, this.addRowKeys);
    }
    this.blocksDone++;
    if (this.sleeper !== null) Atomics.wait(this.sleeper, 0, 0, this.input.testHooks?.delayPerBlockMs ?? 0);
  }

  private addKeys(rowId: number, keys: KeyList): void {
    const excluded = this.excluded;
    const capacity = this.high.length;
    const high = this.high;
    const low = this.low;
    const rowIds = this.rowIds;
    let count = this.count;
    if (keys.wide) {
      for (let index = 0; index < keys.count; index++) {
        const keyHigh = keys.high[index]!;
        const keyLow = keys.low[index]!;
        if (excluded !== null && excluded.hasHalves(keyHigh, keyLow)) continue;
        if (count === capacity) {
          this.count = count;
          this.flushRun();
          count = 0;
        }
        high[count] = keyHigh;
        low[count] = keyLow;
        rowIds[count++] = rowId;
      }
    } else {
      const values = keys.values;
      for (let index = 0; index < keys.count; index++) {
        const key = values[index]!;
        const keyHigh = (key / TWO_POW_32) >>> 0;
        const keyLow = key >>> 0;
        if (excluded !== null && excluded.hasHalves(keyHigh, keyLow)) continue;
        if (count === capacity) {
          this.count = count;
          this.flushRun();
          count = 0;
        }
        high[count] = keyHigh;
        low[count] = keyLow;
        rowIds[count++] = rowId;
      }
    }
    this.count = count;
  }

  private flushRun(): void {
    const count = this.count;
    if (count === 0) return;
    this.count = 0;
    const sorted = this.sorter.sort(this.high, this.low, this.rowIds, count, this.layout.totalBits);
    this.keysDone += count;
    this.runsDone++;
    if (this.borrowRuns) {
      this.emit({ wide: true, count, high: sorted.high.subarray(0, count), low: sorted.low.subarray(0, count), rowIds: sorted.rowIds.subarray(0, count) });
      return;
    }
    this.emit(makeSortedRun(this.layout.wide, sorted.high, sorted.low, sorted.rowIds, count));
  }
}

/** The typed-array buffers of a run, to transfer it to another thread. */
export function runTransferList(run: SortedRun): ArrayBuffer[] {
  const buffers = run.wide ? [run.high.buffer, run.low.buffer, run.rowIds.buffer] : [run.keys.buffer, run.rowIds.buffer];
  return buffers.filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}
