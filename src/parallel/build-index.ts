/**
 * Index builds with worker threads: the main thread lists the blocks its view sees, participants (pool workers,
 * or the calling thread when zero workers are asked for) extract keys from them and send sorted runs back as they
 * fill up, and gin's IndexBuilder merges the runs into pages within the memory budget. With one worker and
 * `encodeInWorker` (partition-parallel builds), the worker merges and encodes the pages too (build-pages.ts) and
 * this thread only appends them.
 *
 * Failure and cancellation: the first error (or the AbortSignal) sets the shared "cancelled" flag, so every other
 * participant stops at its next block; the build waits for all of them, removes its spill file and pages, and
 * rethrows (57014 for cancellation). A worker that does not stop within half a second is terminated through
 * piscina's abort. The caller rolls back its write transaction.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { KmerSearchError, SqlState, asKmerSearchError } from '../errors.js';
import {
  IndexBuilder,
  writeEncodedPages,
  type EncodedPages,
  bytesPerPair,
  cancelledError,
  checkIndexableRowIdLimit,
  throwIfCancelled,
  type BuildReport,
  type SortedRun,
} from '../gin/index.js';
import { HeapBlockReader, listTableBlocks, type SpillFile, type WriteTransaction } from '../storage/index.js';
import { KeyExtractionTask, type ExtractKeysInput, type ExtractKeysResult, type ExtractKeysTestHooks } from './extract-keys.js';
import type { BuildPagesInput, BuildPagesResult, PagesMessage } from './build-pages.js';
import type { WorkerPool } from './pool.js';
import type { SharedKeySet } from './shared-key-set.js';
import type { ExtractionMessage } from './worker.js';
import { BlockWorkQueue, SharedBlockList } from './work-queue.js';

export interface IndexBuildOptions {
  /** The database: its directory (workers open it) and its spill files. */
  readonly database: { readonly path: string; createSpillFile(label?: string): SpillFile };
  /** The database's pool; absent (or workers = 0) runs the extraction in the calling thread. */
  readonly pool?: WorkerPool | null | undefined;
  /** Worker threads wanted (`max_parallel_maintenance_workers`), capped by the pool's size and the block count. */
  readonly workers: number;
  /** `maintenance_work_mem` in bytes. */
  readonly memoryBudgetBytes: number;
  /** Keys to leave out of the index (high-frequency keys of an analysis). */
  readonly excludedKeys?: SharedKeySet | null | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Test-only failure injection for the participants. */
  readonly testHooks?: ExtractKeysTestHooks | undefined;
  /**
   * Builds running at the same time on one write transaction (one index per partition) take turns for the
   * merge (with `encodeInWorker`: for writing the encoded pages), which writes pages in LMDB's append mode: each
   * build's pages must follow every key already written.
   * Resolves with the function that ends the turn.
   */
  readonly mergeTurn?: (() => Promise<() => void>) | undefined;
  /**
   * With one worker thread: that thread also merges the runs and encodes the pages (src/parallel build-pages.ts),
   * and this thread only appends them to LMDB — in `mergeTurn`, which then covers only the writing. Builds of
   * several indexes at once (one per partition) thereby merge in parallel. Ignored with 0 or several workers.
   */
  readonly encodeInWorker?: boolean | undefined;
}

export interface IndexBuildReport extends BuildReport {
  /** Worker threads that took part (0: the calling thread did the work). */
  readonly workersUsed: number;
  readonly blocks: number;
  /** Rows with a non-NULL sequence. */
  readonly rows: number;
  /** (key, row id) pairs extracted. */
  readonly pairs: number;
  /** What each participant did (blocks, rows, keys, runs, thread id). */
  readonly participants: readonly ExtractKeysResult[];
  /** Wall-clock milliseconds of the two phases: extraction (with sorting and spilling) and merge (with writing). */
  readonly extractionMs: number;
  readonly mergeMs: number;
}

/** Fewest pairs per run, whatever the budget (tiny budgets in tests would otherwise make runs of a few pairs). */
const minimumRunPairs = 256;
/** Bytes a participant needs per pair of run capacity: the run and the sort's scratch copy. */
const participantBytesPerPair = 2 * bytesPerPair;
/** How long participants get to stop by themselves after cancellation before their threads are terminated. */
const terminateAfterMs = 500;

/**
 * (Re)builds the pages of index `indexId` from its table as `write` sees it, and points the index at them (with an
 * empty pending list). Everything becomes visible with the transaction's commit.
 */
export async function buildIndex(write: WriteTransaction, indexId: number, options: IndexBuildOptions): Promise<IndexBuildReport> {
  const builder = new IndexBuilder(write, indexId, {
    memoryBudgetBytes: options.memoryBudgetBytes,
    createSpillFile: (label) => options.database.createSpillFile(label),
    signal: options.signal,
  });
  try {
    const index = builder.index;
    const table = write.getTable(index.tableId);
    const column = table?.columns[index.columnIndex];
    if (table === undefined || column === undefined) {
      throw new KmerSearchError(SqlState.undefinedTable, `table of index "${index.name}" does not exist`);
    }
    if (column.type.name !== 'dna2' && column.type.name !== 'dna4') {
      throw new KmerSearchError(SqlState.datatypeMismatch, `column "${column.name}" is of type ${column.type.name}, not dna2 or dna4`);
    }
    const excluded = options.excludedKeys ?? null;
    if (excluded !== null && excluded.layout !== builder.layout) {
      throw new KmerSearchError(SqlState.internalError, 'the excluded keys do not have the layout of the index');
    }
    throwIfCancelled(options.signal);
    // Flushes this transaction's buffered rows to LMDB, where workers can read them.
    const { storageId, rowIdLimit, blocks } = listTableBlocks(write, table.id);
    checkIndexableRowIdLimit(rowIdLimit);
    const pool = options.pool ?? null;
    const workers = pool === null || pool.maxThreads === 0 ? 0 : Math.max(0, Math.min(options.workers, pool.maxThreads, blocks.length));
    const runCapacity = Math.max(
      minimumRunPairs,
      Math.floor(builder.producerMemoryBytes / Math.max(1, workers) / participantBytesPerPair),
    );
    const input: Omit<ExtractKeysInput, 'queue'> = {
      databasePath: options.database.path,
      storageId,
      columnIndex: index.columnIndex,
      kmerSize: builder.layout.kmerSize,
      occurrenceBits: builder.layout.occurrenceBits,
      blockList: SharedBlockList.from(blocks).buffer,
      runCapacity,
      excludedKeys: excluded?.buffer ?? null,
      testHooks: options.testHooks,
    };
    if (options.encodeInWorker === true && workers === 1 && pool !== null) {
      builder.discard();
      return await buildInWorker(write, index.id, pool, { ...input, memoryBudgetBytes: options.memoryBudgetBytes }, options, blocks.length);
    }
    const started = performance.now();
    const results = await runKeyExtraction(pool, workers, input, (run) => builder.addRun(run), options.signal);
    const extracted = performance.now();
    let rows = 0;
    let pairs = 0;
    for (const result of results) {
      rows += result.rows;
      pairs += result.keys;
    }
    builder.addRows(rows);
    const endTurn = options.mergeTurn === undefined ? undefined : await options.mergeTurn();
    let report: BuildReport;
    try {
      report = await builder.finish();
    } finally {
      endTurn?.();
    }
    return {
      ...report,
      workersUsed: workers,
      blocks: blocks.length,
      rows,
      pairs,
      participants: results,
      extractionMs: extracted - started,
      mergeMs: performance.now() - extracted,
    };
  } catch (error) {
    builder.discard();
    throw error;
  }
}

/**
 * The build of one index on one worker thread (extraction, merge, page encoding), then the pages appended here in
 * the caller's merge turn. The spill file is created here and removed here, whatever the worker did.
 */
async function buildInWorker(
  write: WriteTransaction,
  indexId: number,
  pool: WorkerPool,
  input: Omit<BuildPagesInput, 'queue' | 'spillPath'>,
  options: IndexBuildOptions,
  blocks: number,
): Promise<IndexBuildReport> {
  const spillFile = options.database.createSpillFile('gin_build');
  let built: { result: BuildPagesResult; pages: EncodedPages };
  try {
    const queue = BlockWorkQueue.create();
    [built] = await runInWorkers(queue, 1, options.signal, async (port, port2, terminate) => {
      let arrived!: (pages: EncodedPages) => void;
      const pages = new Promise<EncodedPages>((resolve) => (arrived = resolve));
      port.on('message', (message: PagesMessage) => arrived(message.pages));
      const result = await pool.run<BuildPagesResult>(
        { kind: 'build-pages', input: { ...input, queue: queue.buffer, spillPath: spillFile.path }, port: port2 },
        { transferList: [port2], signal: terminate },
      );
      // The worker posted the pages before replying.
      return { result, pages: await pages };
    }) as [{ result: BuildPagesResult; pages: EncodedPages }];
  } finally {
    spillFile.remove();
  }
  const workerDone = performance.now();
  const endTurn = options.mergeTurn === undefined ? undefined : await options.mergeTurn();
  let report: BuildReport;
  try {
    report = await writeEncodedPages(write, indexId, built.pages, built.result.rows, options);
  } finally {
    endTurn?.();
  }
  const { result } = built;
  return {
    ...report,
    workersUsed: 1,
    blocks,
    rows: result.rows,
    pairs: result.keys,
    participants: [result],
    extractionMs: result.extractionMs,
    mergeMs: result.mergeMs + (performance.now() - workerDone),
  };
}

/**
 * Runs the extraction on `workers` pool threads (or in the calling thread when 0) over one shared queue; `onRun`
 * receives every run on the main thread. Resolves with each participant's counters once all have finished.
 */
export async function runKeyExtraction(
  pool: WorkerPool | null,
  workers: number,
  input: Omit<ExtractKeysInput, 'queue'>,
  onRun: (run: SortedRun) => void,
  signal?: AbortSignal,
): Promise<ExtractKeysResult[]> {
  const queue = BlockWorkQueue.create();
  const taskInput: ExtractKeysInput = { ...input, queue: queue.buffer };
  if (workers === 0 || pool === null) return [await extractInCallingThread(taskInput, queue, onRun, signal)];

  return runInWorkers(queue, workers, signal, async (port, port2, terminate, fail, failed) => {
    let ended!: () => void;
    const end = new Promise<void>((resolve) => (ended = resolve));
    port.on('message', (message: ExtractionMessage) => {
      if (message.type === 'end') {
        ended();
        return;
      }
      // After a failure the runs still arriving are dropped (the build is being abandoned).
      if (failed()) return;
      try {
        onRun(message.run);
      } catch (error) {
        fail(error);
      }
    });
    const result = await pool.run<ExtractKeysResult>(
      { kind: 'extract-keys', input: taskInput, port: port2 },
      { transferList: [port2], signal: terminate },
    );
    // The worker posted 'end' after its last run and before replying.
    await end;
    return result;
  });
}

/**
 * Runs `participant` `workers` times at once, each with a message channel to its task (this side, the side to
 * transfer), over one queue: the first error or the signal cancels the queue, so that every participant stops at
 * its next block (or merge slice); a participant's thread that does not stop within half a second after the signal
 * is terminated through `terminate`. Resolves with every participant's value, or rejects with the first error.
 */
async function runInWorkers<T>(
  queue: BlockWorkQueue,
  workers: number,
  signal: AbortSignal | undefined,
  participant: (port: MessagePort, transferPort: MessagePort, terminate: AbortSignal, fail: (error: unknown) => void, failed: () => boolean) => Promise<T>,
): Promise<T[]> {
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
  const ports: MessagePort[] = [];
  try {
    const participants = Array.from({ length: workers }, async (): Promise<T> => {
      const channel = new MessageChannel();
      ports.push(channel.port1);
      try {
        return await participant(channel.port1, channel.port2, terminate.signal, fail, () => firstError !== undefined);
      } catch (error) {
        fail(error);
        throw error;
      }
    });
    const settled = await Promise.allSettled(participants);
    if (firstError !== undefined) throw asKmerSearchError(firstError);
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (terminateTimer !== undefined) clearTimeout(terminateTimer);
    for (const port of ports) port.close();
  }
}

/** Zero workers: the same task in this thread, yielding to the event loop between slices of blocks. */
async function extractInCallingThread(
  input: ExtractKeysInput,
  queue: BlockWorkQueue,
  onRun: (run: SortedRun) => void,
  signal: AbortSignal | undefined,
): Promise<ExtractKeysResult> {
  const reader = HeapBlockReader.open(input.databasePath);
  try {
    const task = new KeyExtractionTask(input, reader, onRun);
    for (;;) {
      throwIfCancelled(signal);
      const more = task.step(16);
      if (!more) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    throwIfCancelled(signal);
    return task.finish();
  } catch (error) {
    queue.cancel();
    throw error;
  } finally {
    await reader.close();
  }
}
