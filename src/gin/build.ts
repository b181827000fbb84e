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
import type { IndexRecord, SpillFile, WriteTransaction } from '../storage/index.js';
import { forgetDirectory, rememberDirectory, spaceStart } from './directory.js';
import { KeyFilter, keyFilterBitsPerKey } from './key-filter.js';
import { ginIndexOptions, ginKeyLayout, type GinIndexOptions, type GinStatistics } from './index-options.js';
import { IndexPagesWriter, RunMerger, type PairSink, type RowFilter } from './merge.js';
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
  private readonly options: GinIndexOptions;
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
    this.options = ginIndexOptions(index);
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
      // Once the producers are done their half of the budget is shared by the merge's read buffers and the key
      // filter (a quarter each); the runs kept in memory hold the other half.
      const mergeMemory = Math.max(1, Math.floor(this.resources.memoryBudgetBytes / 4));
      const keyFilter = this.keyFilterFor(this.collector.pairCount + (extra.sourcePairs ?? 0));
      const sources = [
        // A merge pass over many spilled runs takes seconds: it yields to the event loop between slices, so that
        // the statement's signal and timeout timer can fire.
        ...(await this.collector.sources(mergeMemory, async (group, writeMerged) => {
          const merger = new RunMerger(group, this.layout.totalBits);
          const sink = new ChunkSink(writeMerged);
          while (merger.drain(pairsPerSlice, sink)) {
            await yieldToEventLoop();
            throwIfCancelled(signal);
          }
          sink.flush();
        })),
        ...(extra.sources ?? []),
      ];
      const storageId = this.write.allocateIndexSpace();
      this.storageId = storageId;
      const writer = new IndexPagesWriter(storageId, extra.filter ?? null, keyFilter);
      const merger = new RunMerger(sources, this.layout.totalBits);
      const writeBytes = bytesPerWrite(this.resources.memoryBudgetBytes);
      for (let more = true; more; ) {
        more = merger.drain(pairsPerSlice, writer);
        if (!more) writer.finish();
        if (writer.pendingBytes >= writeBytes || !more) {
          const pages = writer.takePages();
          if (pages.length > 0) this.write.putIndexEntries(pages, { append: true });
        }
        await yieldToEventLoop();
        throwIfCancelled(signal);
      }
      if (keyFilter !== null && writer.statistics.keys > 0) {
        // Not in append mode: the filter's key (the storage id alone) sorts before the pages.
        this.write.putIndexEntries([{ key: spaceStart(storageId), value: keyFilter.encode() }]);
      }
      const pagesStatistics = writer.statistics;
      const statistics: GinStatistics = {
        keys: pagesStatistics.keys,
        postings: pagesStatistics.postings,
        pages: pagesStatistics.pages,
        pageBytes: pagesStatistics.pageBytes,
        rows: this.rows,
      };
      const rowEntriesId = this.write.allocateIndexSpace();
      const options: GinIndexOptions = { ...this.options, pendingBytes: 0, pendingRows: 0, statistics };
      const index = this.write.replaceIndexSpaces(this.index.id, {
        storageId,
        rowEntriesId,
        options: options as unknown as Readonly<Record<string, unknown>>,
      });
      rememberDirectory(this.write.cacheScope, writer.directory());
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

  /**
   * A key filter for up to `pairs` keys within a quarter of the budget: 8 bits per key, fewer when the budget is
   * tight, none below 4 bits per key (too many false positives to be worth its memory).
   */
  private keyFilterFor(pairs: number): KeyFilter | null {
    if (pairs === 0) return null;
    const budgetBits = (this.resources.memoryBudgetBytes / 4) * 8;
    const bitsPerKey = Math.min(keyFilterBitsPerKey, budgetBits / pairs);
    if (bitsPerKey < 4) return null;
    return KeyFilter.withBitsPerKey(bitsPerKey);
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
