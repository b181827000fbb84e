/**
 * Bulk build: sorted runs in (from worker threads, or from the pending list and the old pages for a merge), pages
 * out. Runs are kept in memory up to half the memory budget and spilled beyond it (the producers' buffers get the
 * other half, reused after them by the merge's read buffers and the key filter); the merge writes pages in key
 * order into a fresh storage space of the write transaction (LMDB append mode), then points the index at it.
 *
 * Atomicity comes from storage: the new space is named only by this transaction's catalog, so nothing is visible
 * before the commit; rollback deletes the space, and after a crash the sweep finds it unreferenced. A build that
 * fails or is cancelled also deletes its pages and its spill file at once.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { KeyLayout } from '../kmer/index.js';
import type { IndexEntry, IndexRecord, SpillFile, WriteTransaction } from '../storage/index.js';
import { forgetDirectory, PageDirectory, pageKey, rememberDirectory, spaceStart } from './directory.js';
import { KeyFilter, keyFilterBitsPerKey } from './key-filter.js';
import { ginIndexOptions, ginKeyLayout, type GinIndexOptions, type GinStatistics } from './index-options.js';
import { IndexPagesWriter, PageValues, RunMerger, type PageStatistics, type PairSink, type RowFilter } from './merge.js';
import { RunCollector, type RunSource } from './run-sources.js';
import type { SortedRun } from './sorted-run.js';

/** What a build may use: memory, spill files, and a cancellation signal. */
export interface BuildResources {
  /** The memory budget of the build in bytes (`maintenance_work_mem`). */
  readonly memoryBudgetBytes: number;
  /** Creates a spill file in the database directory (StorageEngine.createSpillFile). */
  readonly createSpillFile: (label?: string) => SpillFile;
  readonly signal?: AbortSignal | undefined;
}

export interface BuildReport {
  readonly index: IndexRecord;
  readonly statistics: GinStatistics;
  /** Runs received, and how many of them were spilled. */
  readonly runs: number;
  readonly spilledRuns: number;
  readonly spilledBytes: number;
}

/**
 * Page bytes per (key, row id) pair to reserve up front for a detached build's pages: 20 Mbp of real genomes at
 * k = 16 take 5.1 (single-row keys, small deltas). Fewer costs a copy when the buffer grows; more is address space
 * only, but the buffer travels to the main thread, where V8 counts all of it as external memory towards its next
 * garbage collection.
 */
const expectedBytesPerPair = 6;

/** Pairs merged between two yields to the event loop (and cancellation checks). */
const pairsPerSlice = 1 << 18;
/** Page bytes written per LMDB transaction: an eighth of the budget, between 64 KiB and 8 MiB. */
function bytesPerWrite(memoryBudgetBytes: number): number {
  return Math.min(8 * 1024 * 1024, Math.max(64 * 1024, Math.floor(memoryBudgetBytes / 8)));
}

/** PostgreSQL's text for a cancelled statement. */
export function cancelledError(): KmerSearchError {
  return new KmerSearchError(SqlState.queryCanceled, 'canceling statement due to user request');
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw cancelledError();
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Collects halves into chunks for a writer of merged pairs (a merge pass between spilled runs). */
class ChunkSink implements PairSink {
  private readonly high = new Uint32Array(65536);
  private readonly low = new Uint32Array(65536);
  private readonly rowIds = new Uint32Array(65536);
  private count = 0;

  constructor(private readonly write: (high: Uint32Array, low: Uint32Array, rowIds: Uint32Array, count: number) => void) {}

  add(high: number, low: number, rowId: number): void {
    this.high[this.count] = high;
    this.low[this.count] = low;
    this.rowIds[this.count++] = rowId;
    if (this.count === this.high.length) this.flush();
  }

  flush(): void {
    if (this.count > 0) this.write(this.high, this.low, this.rowIds, this.count);
    this.count = 0;
  }
}

export class IndexBuilder {
  readonly layout: KeyLayout;
  readonly index: IndexRecord;
  private readonly collector: RunCollector;
  private storageId: number | null = null;
  private rows = 0;
  private state: 'collecting' | 'finishing' | 'finished' | 'discarded' = 'collecting';

  constructor(
    private readonly write: WriteTransaction,
    indexId: number,
    private readonly resources: BuildResources,
  ) {
    const index = write.getIndex(indexId);
    if (index === undefined) throw new KmerSearchError(SqlState.undefinedObject, `index with id ${indexId} does not exist`);
    this.index = index;
    this.layout = ginKeyLayout(index);
    this.collector = new RunCollector(Math.floor(resources.memoryBudgetBytes / 2), (label) =>
      resources.createSpillFile(label),
    );
  }

  /**
   * Budget for the run buffers of all producers together (worker threads). The budget is split in halves: runs
   * kept in memory here, and producer buffers while runs are being made, which the merge's read buffers reuse
   * once they are done. Fewer, longer runs make the merge cheaper than more runs kept in memory would.
   */
  get producerMemoryBytes(): number {
    return Math.floor(this.resources.memoryBudgetBytes / 2);
  }

  /** Path of the spill file, once runs were spilled (for tests and progress reports). */
  get spillPath(): string | null {
    return this.collector.spillPath;
  }

  /**
   * Adds a sorted run (ordered by key, then row id). A narrow layout accepts either representation; a wide one
   * needs halves.
   */
  addRun(run: SortedRun): void {
    if (this.state !== 'collecting') throw new KmerSearchError(SqlState.internalError, 'the index build is not collecting runs');
    if (this.layout.wide && !run.wide) {
      throw new KmerSearchError(SqlState.internalError, 'a wide key layout needs runs of key halves');
    }
    this.collector.add(run);
  }

  /** Counts rows whose keys were extracted (statistics only). */
  addRows(count: number): void {
    this.rows += count;
  }

  /**
   * Merges everything into pages in a new storage space and points the index at it, with a new empty pending
   * list. `sources` are merged in too (the old pages of a pending-list merge, `sourcePairs` pairs at most);
   * `filter` drops postings of rows that no longer exist.
   */
  async finish(
    extra: { readonly sources?: readonly RunSource[]; readonly sourcePairs?: number; readonly filter?: RowFilter | null } = {},
  ): Promise<BuildReport> {
    if (this.state !== 'collecting') throw new KmerSearchError(SqlState.internalError, 'the index build has already finished');
    this.state = 'finishing';
    const { signal } = this.resources;
    try {
      throwIfCancelled(signal);
      const keyFilter = keyFilterFor(this.resources.memoryBudgetBytes, this.collector.pairCount + (extra.sourcePairs ?? 0));
      const sources = await mergeSources(this.collector, this.layout, this.resources.memoryBudgetBytes, extra.sources ?? [], () =>
        throwIfCancelled(signal),
      );
      const storageId = this.write.allocateIndexSpace();
      this.storageId = storageId;
      const writer = new IndexPagesWriter(storageId, extra.filter ?? null, keyFilter);
      await drainIntoPages(sources, this.layout, writer, bytesPerWrite(this.resources.memoryBudgetBytes), () => throwIfCancelled(signal), (pages) =>
        this.write.putIndexEntries(pages, { append: true }),
      );
      const statistics = ginStatistics(writer.statistics, this.rows);
      const index = publishPages(this.write, this.index, storageId, statistics, writer.directory(), keyFilter?.encode() ?? null);
      const report: BuildReport = {
        index,
        statistics,
        runs: this.collector.runCount,
        spilledRuns: this.collector.spilledRunCount,
        spilledBytes: this.collector.spilledBytes,
      };
      this.collector.dispose();
      this.state = 'finished';
      return report;
    } catch (error) {
      this.discard();
      throw error;
    }
  }

  /** Abandons the build: removes the spill file and any pages written. Idempotent. */
  discard(): void {
    if (this.state === 'finished' || this.state === 'discarded') return;
    this.state = 'discarded';
    this.collector.dispose();
    if (this.storageId !== null) {
      forgetDirectory(this.write.cacheScope, this.storageId);
      this.write.discardIndexSpace(this.storageId);
    }
  }
}

/** The gin statistics of pages written for `rows` rows. */
function ginStatistics(pages: PageStatistics, rows: number): GinStatistics {
  return { keys: pages.keys, postings: pages.postings, pages: pages.pages, pageBytes: pages.pageBytes, rows };
}

/**
 * A key filter for up to `pairs` keys within a quarter of the budget: 8 bits per key, fewer when the budget is
 * tight, none below 4 bits per key (too many false positives to be worth its memory).
 */
function keyFilterFor(memoryBudgetBytes: number, pairs: number): KeyFilter | null {
  if (pairs === 0) return null;
  const budgetBits = (memoryBudgetBytes / 4) * 8;
  const bitsPerKey = Math.min(keyFilterBitsPerKey, budgetBits / pairs);
  if (bitsPerKey < 4) return null;
  return KeyFilter.withBitsPerKey(bitsPerKey);
}

/**
 * The merge sources of the collected runs (after merge passes over too many spilled runs) followed by `extra`.
 * Once the producers are done their half of the budget is shared by the merge's read buffers and the key filter
 * (a quarter each); the runs kept in memory hold the other half.
 */
async function mergeSources(
  collector: RunCollector,
  layout: KeyLayout,
  memoryBudgetBytes: number,
  extra: readonly RunSource[],
  checkCancelled: () => void,
): Promise<RunSource[]> {
  const mergeMemory = Math.max(1, Math.floor(memoryBudgetBytes / 4));
  // A merge pass over many spilled runs takes seconds: it yields to the event loop between slices, so that the
  // statement's signal and timeout timer can fire.
  const merged = await collector.sources(mergeMemory, async (group, writeMerged) => {
    const merger = new RunMerger(group, layout.totalBits);
    const sink = new ChunkSink(writeMerged);
    while (merger.drain(pairsPerSlice, sink)) {
      await yieldToEventLoop();
      checkCancelled();
    }
    sink.flush();
  });
  return [...merged, ...extra];
}

/** Merges `sources` into `writer`, handing finished pages (key order) to `take` about every `writeBytes` bytes. */
async function drainIntoPages(
  sources: readonly RunSource[],
  layout: KeyLayout,
  writer: IndexPagesWriter,
  writeBytes: number,
  checkCancelled: () => void,
  take: (pages: IndexEntry[]) => void,
): Promise<void> {
  const merger = new RunMerger(sources, layout.totalBits);
  for (let more = true; more; ) {
    more = merger.drain(pairsPerSlice, writer);
    if (!more) writer.finish();
    if (writer.pendingBytes >= writeBytes || !more) {
      const pages = writer.takePages();
      if (pages.length > 0) take(pages);
    }
    await yieldToEventLoop();
    checkCancelled();
  }
}

/**
 * Points the index at the pages written under `storageId` (with its key filter, if any, and a new empty pending
 * list) and hands their directory to the readers of this transaction's database.
 */
function publishPages(
  write: WriteTransaction,
  index: IndexRecord,
  storageId: number,
  statistics: GinStatistics,
  directory: PageDirectory,
  keyFilter: Uint8Array | null,
): IndexRecord {
  if (keyFilter !== null && statistics.keys > 0) {
    // Not in append mode: the filter's key (the storage id alone) sorts before the pages.
    write.putIndexEntries([{ key: spaceStart(storageId), value: keyFilter }]);
  }
  const rowEntriesId = write.allocateIndexSpace();
  const options: GinIndexOptions = { ...ginIndexOptions(index), pendingBytes: 0, pendingRows: 0, statistics };
  const published = write.replaceIndexSpaces(index.id, {
    storageId,
    rowEntriesId,
    options: options as unknown as Readonly<Record<string, unknown>>,
  });
  rememberDirectory(write.cacheScope, directory);
  return published;
}

/**
 * Pages encoded away from any write transaction (a worker thread's build of one index): the page values back to
 * back, each page's end offset and first key (the directory), the key filter's bytes. The LMDB keys are made by
 * whoever writes them (writeEncodedPages), with the storage id it allocates then.
 */
export interface EncodedPages {
  readonly values: Uint8Array;
  readonly ends: Uint32Array;
  readonly firstHigh: Uint32Array;
  readonly firstLow: Uint32Array;
  readonly firstChunk: Uint32Array;
  readonly keyFilter: Uint8Array | null;
  readonly statistics: PageStatistics;
  readonly runs: number;
  readonly spilledRuns: number;
  readonly spilledBytes: number;
}

/** The transferable buffers of encoded pages. */
export function encodedPagesTransferList(pages: EncodedPages): ArrayBuffer[] {
  const arrays = [pages.values, pages.ends, pages.firstHigh, pages.firstLow, pages.firstChunk, pages.keyFilter];
  const buffers: ArrayBuffer[] = [];
  for (const array of arrays) if (array !== null && array.buffer instanceof ArrayBuffer) buffers.push(array.buffer);
  return buffers;
}

/**
 * The merge and page encoding of a bulk build without a write transaction, so that it can run on a worker thread
 * (one partition index of kmersearch_parallel_create_index): runs collected within half the budget and spilled
 * beyond it, exactly as IndexBuilder does, then merged into pages held in memory until `finish` returns them.
 * The same merge and page writer as IndexBuilder's, so the pages are byte for byte the same.
 */
export class DetachedPagesBuild {
  private readonly collector: RunCollector;

  constructor(
    private readonly layout: KeyLayout,
    private readonly memoryBudgetBytes: number,
    createSpillFile: (label: string) => SpillFile,
    /** Throws when the build is to stop (between merge slices). */
    private readonly checkCancelled: () => void,
  ) {
    this.collector = new RunCollector(Math.floor(memoryBudgetBytes / 2), createSpillFile);
  }

  /** Budget for the producers' run buffers (see IndexBuilder.producerMemoryBytes). */
  get producerMemoryBytes(): number {
    return Math.floor(this.memoryBudgetBytes / 2);
  }

  addRun(run: SortedRun): void {
    if (this.layout.wide && !run.wide) {
      throw new KmerSearchError(SqlState.internalError, 'a wide key layout needs runs of key halves');
    }
    this.collector.add(run);
  }

  /** Adds a run whose arrays the caller reuses after this call: spilled as it is, or copied to be kept. */
  addBorrowedRun(run: SortedRun): void {
    if (this.layout.wide && !run.wide) {
      throw new KmerSearchError(SqlState.internalError, 'a wide key layout needs runs of key halves');
    }
    this.collector.add(run, true);
  }

  async finish(): Promise<EncodedPages> {
    try {
      this.checkCancelled();
      const keyFilter = keyFilterFor(this.memoryBudgetBytes, this.collector.pairCount);
      const sources = await mergeSources(this.collector, this.layout, this.memoryBudgetBytes, [], this.checkCancelled);
      const output = new PageValues(this.collector.pairCount * expectedBytesPerPair);
      const writer = new IndexPagesWriter(0, null, keyFilter, output);
      await drainIntoPages(sources, this.layout, writer, bytesPerWrite(this.memoryBudgetBytes), this.checkCancelled, () => undefined);
      const directory = writer.directory();
      return {
        // Views of the output's buffers: transferring them moves the (lazily mapped) spare capacity along, no copy.
        values: output.values.subarray(0, output.bytes),
        ends: output.ends.subarray(0, output.count),
        firstHigh: directory.firstHigh,
        firstLow: directory.firstLow,
        firstChunk: directory.chunk,
        keyFilter: keyFilter !== null && writer.statistics.keys > 0 ? keyFilter.encode() : null,
        statistics: writer.statistics,
        runs: this.collector.runCount,
        spilledRuns: this.collector.spilledRunCount,
        spilledBytes: this.collector.spilledBytes,
      };
    } finally {
      this.collector.dispose();
    }
  }

  /** Removes the spill file and forgets the runs. Idempotent. */
  dispose(): void {
    this.collector.dispose();
  }
}

/**
 * Writes pages encoded elsewhere (DetachedPagesBuild) into a fresh storage space of `write` in LMDB append mode, a
 * slice at a time with cancellation checks between slices, and points index `indexId` at them. Builds sharing
 * one write transaction must not interleave these writes (append mode: each space's keys follow every key
 * written). On failure the pages written are deleted.
 */
export async function writeEncodedPages(
  write: WriteTransaction,
  indexId: number,
  pages: EncodedPages,
  rows: number,
  resources: { readonly memoryBudgetBytes: number; readonly signal?: AbortSignal | undefined },
): Promise<BuildReport> {
  const index = write.getIndex(indexId);
  if (index === undefined) throw new KmerSearchError(SqlState.undefinedObject, `index with id ${indexId} does not exist`);
  throwIfCancelled(resources.signal);
  const storageId = write.allocateIndexSpace();
  try {
    const writeBytes = bytesPerWrite(resources.memoryBudgetBytes);
    const pageCount = pages.ends.length;
    for (let page = 0; page < pageCount; ) {
      const slice: IndexEntry[] = [];
      const sliceStart = page === 0 ? 0 : pages.ends[page - 1]!;
      let start = sliceStart;
      while (page < pageCount && start - sliceStart < writeBytes) {
        const end = pages.ends[page]!;
        slice.push({
          key: pageKey(storageId, pages.firstHigh[page]!, pages.firstLow[page]!, pages.firstChunk[page]!),
          value: pages.values.subarray(start, end),
        });
        start = end;
        page++;
      }
      write.putIndexEntries(slice, { append: true });
      await yieldToEventLoop();
      throwIfCancelled(resources.signal);
    }
    const statistics = ginStatistics(pages.statistics, rows);
    const directory = new PageDirectory(storageId, pageCount, pages.firstHigh, pages.firstLow, pages.firstChunk);
    directory.filter = pages.keyFilter === null ? null : KeyFilter.decode(pages.keyFilter);
    const published = publishPages(write, index, storageId, statistics, directory, pages.keyFilter);
    return { index: published, statistics, runs: pages.runs, spilledRuns: pages.spilledRuns, spilledBytes: pages.spilledBytes };
  } catch (error) {
    forgetDirectory(write.cacheScope, storageId);
    write.discardIndexSpace(storageId);
    throw error;
  }
}
