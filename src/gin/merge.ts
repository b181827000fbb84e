/**
 * The k-way merge of sorted runs and the writer that turns the merged (key, row id) stream into pages.
 *
 * The merge keeps the head pair of every source in typed arrays and a loser tree (tournament) of source numbers
 * ordered by (key, row id): one comparison per level per pair, half of a binary heap's. Sources hand out chunks,
 * so the loop touches only typed arrays and plain numbers. It runs in slices (`drain`) so that a long build can
 * yield to the event loop and notice cancellation between slices.
 */
import type { BlockReference, IndexEntry } from '../storage/index.js';
import { PageDirectory, pageKey } from './directory.js';
import type { KeyFilter } from './key-filter.js';
import { maxPageBytes, PageBuilder, PostingBuffer } from './page.js';
import type { RunSource } from './run-sources.js';

/** Receives merged pairs in (key, row id) order. */
export interface PairSink {
  add(high: number, low: number, rowId: number): void;
}

export class RunMerger {
  private readonly sources: RunSource[];
  /** Leaves (sources) rounded up to a power of two; missing and exhausted sources compare as +∞. */
  private readonly leaves: number;
  /** Loser tree: tree[1 …] hold the loser of each match, tree[0] the overall winner (the next pair). */
  private readonly tree: Int32Array;
  private readonly headHigh: Float64Array;
  private readonly headLow: Float64Array;
  private readonly headRowId: Float64Array;
  /** The whole key as one double (+∞ when exhausted), compared first: one comparison per level for most pairs. */
  private readonly headKey: Float64Array;
  /** Keys of at most 53 bits: headKey alone orders keys. */
  private readonly narrow: boolean;

  /** `keyBits`: the key width of the layout (keys wider than 53 bits are compared by halves). */
  constructor(sources: readonly RunSource[], keyBits = 64) {
    this.sources = [...sources];
    this.narrow = keyBits <= 53;
    let leaves = 1;
    while (leaves < this.sources.length) leaves *= 2;
    this.leaves = leaves;
    this.tree = new Int32Array(leaves);
    this.headHigh = new Float64Array(leaves).fill(Infinity);
    this.headKey = new Float64Array(leaves).fill(Infinity);
    this.headLow = new Float64Array(leaves);
    this.headRowId = new Float64Array(leaves);
    this.sources.forEach((source, index) => {
      if (source.position < source.length || source.refill()) this.loadHead(index);
    });
    // Play the tournament bottom-up: winners[node] is the winner below node; losers stay in the tree.
    const winners = new Int32Array(2 * leaves);
    for (let leaf = 0; leaf < leaves; leaf++) winners[leaves + leaf] = leaf;
    for (let node = leaves - 1; node >= 1; node--) {
      const left = winners[2 * node]!;
      const right = winners[2 * node + 1]!;
      if (this.less(right, left)) {
        winners[node] = right;
        this.tree[node] = left;
      } else {
        winners[node] = left;
        this.tree[node] = right;
      }
    }
    this.tree[0] = winners[1]!;
  }

  get done(): boolean {
    return this.headHigh[this.tree[0]!] === Infinity;
  }

  /** Hands up to `limit` pairs to `sink`; returns true while pairs remain. */
  drain(limit: number, sink: PairSink): boolean {
    return this.narrow ? this.drainNarrow(limit, sink) : this.drainWide(limit, sink);
  }

  private drainNarrow(limit: number, sink: PairSink): boolean {
    const tree = this.tree;
    const headKey = this.headKey;
    const headHigh = this.headHigh;
    const headLow = this.headLow;
    const headRowId = this.headRowId;
    const leaves = this.leaves;
    let winner = tree[0]!;
    for (let emitted = 0; emitted < limit; emitted++) {
      if (headKey[winner] === Infinity) break;
      sink.add(headHigh[winner]!, headLow[winner]!, headRowId[winner]!);
      const source = this.sources[winner]!;
      source.position++;
      if (source.position < source.length || source.refill()) this.loadHead(winner);
      else headKey[winner] = headHigh[winner] = Infinity;
      // Replay the winner's path with its head in locals: at each node the smaller of (winner, loser) goes on.
      let winnerKey = headKey[winner]!;
      let winnerRowId = headRowId[winner]!;
      for (let node = (winner + leaves) >> 1; node >= 1; node >>= 1) {
        const loser = tree[node]!;
        const loserKey = headKey[loser]!;
        if (loserKey < winnerKey || (loserKey === winnerKey && headRowId[loser]! < winnerRowId)) {
          tree[node] = winner;
          winner = loser;
          winnerKey = loserKey;
          winnerRowId = headRowId[loser]!;
        }
      }
    }
    tree[0] = winner;
    return headKey[winner] !== Infinity;
  }

  private drainWide(limit: number, sink: PairSink): boolean {
    const tree = this.tree;
    const headHigh = this.headHigh;
    const headLow = this.headLow;
    const headRowId = this.headRowId;
    const leaves = this.leaves;
    let winner = tree[0]!;
    for (let emitted = 0; emitted < limit; emitted++) {
      if (headHigh[winner] === Infinity) break;
      sink.add(headHigh[winner]!, headLow[winner]!, headRowId[winner]!);
      const source = this.sources[winner]!;
      source.position++;
      if (source.position < source.length || source.refill()) this.loadHead(winner);
      else this.headKey[winner] = headHigh[winner] = Infinity;
      let winnerHigh = headHigh[winner]!;
      let winnerLow = headLow[winner]!;
      let winnerRowId = headRowId[winner]!;
      for (let node = (winner + leaves) >> 1; node >= 1; node >>= 1) {
        const loser = tree[node]!;
        const loserHigh = headHigh[loser]!;
        if (
          loserHigh < winnerHigh ||
          (loserHigh === winnerHigh &&
            (headLow[loser]! < winnerLow || (headLow[loser] === winnerLow && headRowId[loser]! < winnerRowId)))
        ) {
          tree[node] = winner;
          winner = loser;
          winnerHigh = loserHigh;
          winnerLow = headLow[loser]!;
          winnerRowId = headRowId[loser]!;
        }
      }
    }
    tree[0] = winner;
    return headHigh[winner] !== Infinity;
  }

  private loadHead(index: number): void {
    const source = this.sources[index]!;
    const position = source.position;
    const high = source.high[position]!;
    const low = source.low[position]!;
    this.headHigh[index] = high;
    this.headLow[index] = low;
    this.headKey[index] = high * 4294967296 + low;
    this.headRowId[index] = source.rowIds[position]!;
  }

  private less(a: number, b: number): boolean {
    const highA = this.headHigh[a]!;
    const highB = this.headHigh[b]!;
    if (highA !== highB) return highA < highB;
    const lowA = this.headLow[a]!;
    const lowB = this.headLow[b]!;
    if (lowA !== lowB) return lowA < lowB;
    return this.headRowId[a]! < this.headRowId[b]!;
  }
}

/** Which row ids still exist (a merge drops postings of deleted rows). */
export interface RowFilter {
  isLive(rowId: number): boolean;
}

/** Rows below a limit minus tombstoned slots, from a table's block list (storage's listTableBlocks). */
export class LiveRowFilter implements RowFilter {
  private readonly hasTombstones: Uint8Array;
  private readonly bitmaps = new Map<number, Uint8Array>();

  constructor(
    private readonly rowIdLimit: number,
    blocks: readonly BlockReference[],
  ) {
    this.hasTombstones = new Uint8Array(Math.ceil(rowIdLimit / 256));
    for (const block of blocks) {
      if (block.tombstones === null) continue;
      this.hasTombstones[block.block] = 1;
      this.bitmaps.set(block.block, block.tombstones);
    }
  }

  isLive(rowId: number): boolean {
    if (rowId >= this.rowIdLimit) return false;
    const block = rowId >>> 8;
    if (this.hasTombstones[block] === 0) return true;
    const bitmap = this.bitmaps.get(block)!;
    const slot = rowId & 255;
    return (bitmap[slot >> 3]! & (1 << (slot & 7))) === 0;
  }
}

export interface PageStatistics {
  /** Distinct keys written. */
  readonly keys: number;
  /** (key, row id) pairs written. */
  readonly postings: number;
  readonly pages: number;
  /** Sum of the page values' lengths. */
  readonly pageBytes: number;
  /** Postings of rows that no longer exist, dropped by the filter. */
  readonly droppedPostings: number;
}

/**
 * Finished pages laid back to back in one growing buffer, with each page's end offset: the output of a build
 * away from any write transaction (a worker's DetachedPagesBuild), which would otherwise allocate an array per
 * page and copy them together. The first allocation is the caller's estimate; memory past what is written is
 * never touched (a large zero-filled ArrayBuffer is mapped lazily).
 */
export class PageValues {
  values: Uint8Array;
  ends = new Uint32Array(1024);
  count = 0;
  bytes = 0;

  constructor(expectedBytes: number) {
    this.values = new Uint8Array(Math.max(maxPageBytes, Math.ceil(expectedBytes)));
  }

  append(builder: PageBuilder): void {
    const needed = this.bytes + builder.pageBytes;
    if (needed > this.values.length) {
      const grown = new Uint8Array(Math.max(needed, Math.floor(this.values.length * 1.5)));
      grown.set(this.values.subarray(0, this.bytes));
      this.values = grown;
    }
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.bytes = builder.finishInto(this.values, this.bytes);
    this.ends[this.count++] = this.bytes;
  }
}

/**
 * Turns the merged stream into pages: groups pairs by key, drops postings of dead rows (and exact duplicates),
 * packs posting lists into pages and collects the finished pages for the caller to write (in key order, so LMDB
 * can append them).
 */
export class IndexPagesWriter implements PairSink {
  private readonly builder = new PageBuilder();
  private readonly postings = new PostingBuffer();
  private currentHigh = -1;
  private currentLow = -1;
  private finishedPages: IndexEntry[] = [];
  private finishedBytes = 0;
  private directoryHigh: Uint32Array = new Uint32Array(256);
  private directoryLow: Uint32Array = new Uint32Array(256);
  private directoryChunk: Uint32Array = new Uint32Array(256);
  private keys = 0;
  private postingCount = 0;
  private pages = 0;
  private pageBytes = 0;
  private dropped = 0;

  constructor(
    readonly storageId: number,
    private readonly filter: RowFilter | null,
    /** Receives every key written (the index's key filter), if any. */
    private readonly keyFilter: KeyFilter | null = null,
    /** Where finished pages go instead of `takePages` (a build without a write transaction). */
    private readonly output: PageValues | null = null,
  ) {}

  add(high: number, low: number, rowId: number): void {
    if (this.filter !== null && !this.filter.isLive(rowId)) {
      this.dropped++;
      return;
    }
    const postings = this.postings;
    if (high === this.currentHigh && low === this.currentLow) {
      if (postings.rowIds[postings.count - 1] !== rowId) postings.push(rowId);
      return;
    }
    if (postings.count > 0) this.writeCurrent();
    this.currentHigh = high;
    this.currentLow = low;
    postings.push(rowId);
  }

  /** Bytes of finished pages not yet taken. */
  get pendingBytes(): number {
    return this.finishedBytes;
  }

  /** Finished pages, in key order, since the last call. */
  takePages(): IndexEntry[] {
    const pages = this.finishedPages;
    this.finishedPages = [];
    this.finishedBytes = 0;
    return pages;
  }

  /** Writes out the last key and page. */
  finish(): void {
    if (this.postings.count > 0) this.writeCurrent();
    if (!this.builder.isEmpty) this.flushPage();
  }

  get statistics(): PageStatistics {
    return {
      keys: this.keys,
      postings: this.postingCount,
      pages: this.pages,
      pageBytes: this.pageBytes,
      droppedPostings: this.dropped,
    };
  }

  /** The directory of the pages written (valid after finish). */
  directory(): PageDirectory {
    const directory = new PageDirectory(
      this.storageId,
      this.pages,
      this.directoryHigh.slice(0, this.pages),
      this.directoryLow.slice(0, this.pages),
      this.directoryChunk.slice(0, this.pages),
    );
    directory.filter = this.keyFilter;
    return directory;
  }

  private writeCurrent(): void {
    const high = this.currentHigh;
    const low = this.currentLow;
    const rowIds = this.postings.rowIds;
    const count = this.postings.count;
    this.keys++;
    this.postingCount += count;
    this.postings.count = 0;
    const builder = this.builder;
    // The key filter records each key under the page that starts its list (the one the directory finds):
    // `this.pages` is the number of the page being filled.
    const keyFilter = this.keyFilter;
    if (count === 1) {
      if (!builder.tryAddSingle(high, low, rowIds[0]!)) {
        this.flushPage();
        builder.tryAddSingle(high, low, rowIds[0]!);
      }
      keyFilter?.add(this.pages, high, low);
      return;
    }
    if (builder.tryAdd(high, low, rowIds, 0, count, 0)) {
      keyFilter?.add(this.pages, high, low);
      return;
    }
    if (!builder.isEmpty) {
      this.flushPage();
      if (builder.tryAdd(high, low, rowIds, 0, count, 0)) {
        keyFilter?.add(this.pages, high, low);
        return;
      }
    }
    keyFilter?.add(this.pages, high, low);
    // Longer than a page: chunks, each starting a page; the last one's page stays open for the next keys.
    let from = 0;
    for (let chunk = 0; from < count; chunk++) {
      if (chunk > 0) this.flushPage();
      from += builder.addChunk(high, low, rowIds, from, count, chunk);
    }
  }

  private flushPage(): void {
    const builder = this.builder;
    const index = this.pages;
    if (index === this.directoryHigh.length) {
      const grow = (array: Uint32Array): Uint32Array => {
        const grown = new Uint32Array(array.length * 2);
        grown.set(array);
        return grown;
      };
      this.directoryHigh = grow(this.directoryHigh);
      this.directoryLow = grow(this.directoryLow);
      this.directoryChunk = grow(this.directoryChunk);
    }
    this.directoryHigh[index] = builder.firstHigh;
    this.directoryLow[index] = builder.firstLow;
    this.directoryChunk[index] = builder.firstChunk;
    this.pages++;
    if (this.output !== null) {
      this.pageBytes += builder.pageBytes;
      this.output.append(builder);
      return;
    }
    const key = pageKey(this.storageId, builder.firstHigh, builder.firstLow, builder.firstChunk);
    const value = builder.finish();
    this.finishedPages.push({ key, value });
    this.finishedBytes += value.length;
    this.pageBytes += value.length;
  }
}
