/**
 * The pending list (GIN's fast update): rows inserted after the build are not merged into the pages one by one;
 * each row's keys go to a per-row entry `[rowEntriesId][row id]` (storage's per-row index entries, visible
 * exactly when the row is), every search reads them, and when they pass a size limit (like
 * `gin_pending_list_limit`, 4 MiB) or on demand they are merged into new pages in bulk.
 *
 * An entry holds the row's distinct keys, ascending, as a count and 64-bit varint gaps. Rows with no keys
 * (NULL, shorter than k: deviation F3) get no entry. A long row's entry (src/kmer's long-input path, a chromosome
 * as one row) is made from the extractor's key list sorted where it lies, and merged from the entry a chunk at a
 * time: about 20 bytes per base for the insert, not 60 (docs/reliability.md, "Resource limits").
 */
import type { DnaValue } from '../dna/types.js';
import { KmerSearchError, SqlState } from '../errors.js';
import { HIGH_WORD, KeyExtractor, type KeyLayout, type KeyList, type KeyMembership, LOW_WORD } from '../kmer/index.js';
import {
  indexRowEntryKey,
  indexRowEntryRowId,
  listTableBlocks,
  type IndexDataReader,
  type WriteTransaction,
} from '../storage/index.js';
import { IndexBuilder, type BuildReport, type BuildResources } from './build.js';
import { spaceEnd, spaceStart } from './directory.js';
import { ginIndexOptions, ginKeyLayout, type GinIndexOptions } from './index-options.js';
import { LiveRowFilter } from './merge.js';
import { PageRunSource, type RunSource } from './run-sources.js';
import { checkIndexableRowIdLimit, PairSorter, sortKeyWords } from './sorted-run.js';
import { ByteCursor, readVarUint32, readVarUint64, varUint32Length, varUint64Length, writeVarUint32, writeVarUint64 } from './varint.js';

/** Pending bytes beyond which an insert merges the pending list (PostgreSQL's gin_pending_list_limit default). */
export const defaultPendingListLimitBytes = 4 * 1024 * 1024;

const TWO_POW_32 = 4294967296;

/** Distinct keys of one row as sorted halves (a reusable buffer). */
export class RowKeys {
  high: Uint32Array = new Uint32Array(1024);
  low: Uint32Array = new Uint32Array(1024);
  count = 0;
  private readonly sorter = new PairSorter();
  private rowIdScratch: Uint32Array = new Uint32Array(1024);

  /** Loads a key list (any order, distinct), leaving out `excluded` keys, and sorts it. */
  load(keys: KeyList, excluded: KeyMembership | undefined): void {
    this.ensure(keys.count);
    let count = 0;
    for (let index = 0; index < keys.count; index++) {
      if (excluded !== undefined && excluded.has(keys, index)) continue;
      if (keys.wide) {
        this.high[count] = keys.high[index]!;
        this.low[count] = keys.low[index]!;
      } else {
        const key = keys.values[index]!;
        this.high[count] = (key / TWO_POW_32) >>> 0;
        this.low[count] = key >>> 0;
      }
      count++;
    }
    const sorted = this.sorter.sort(this.high, this.low, this.rowIdScratch, count, keys.layout.totalBits);
    if (sorted.high !== this.high) {
      this.high.set(sorted.high.subarray(0, count));
      this.low.set(sorted.low.subarray(0, count));
    }
    this.count = count;
  }

  ensure(count: number): void {
    if (this.high.length < count) {
      const capacity = Math.max(count, this.high.length * 2);
      this.high = new Uint32Array(capacity);
      this.low = new Uint32Array(capacity);
      this.rowIdScratch = new Uint32Array(capacity);
    }
  }
}

/** A pending entry for sorted distinct keys. */
export function encodePendingEntry(high: Uint32Array, low: Uint32Array, count: number): Uint8Array {
  return encodeSortedKeys(high, 0, low, 0, 1, count);
}

/**
 * The entry of `count` sorted distinct keys whose i-th halves are `high[highAt + i·stride]` and
 * `low[lowAt + i·stride]`: separate arrays (stride 1), or uint64 words (stride 2: a long row's, sortKeyWords).
 */
function encodeSortedKeys(high: Uint32Array, highAt: number, low: Uint32Array, lowAt: number, stride: number, count: number): Uint8Array {
  let length = varUint32Length(count);
  let previousHigh = 0;
  let previousLow = 0;
  for (let index = 0; index < count; index++) {
    const keyHigh = high[highAt + index * stride]!;
    const keyLow = low[lowAt + index * stride]!;
    const deltaLow = (keyLow - previousLow) >>> 0;
    const deltaHigh = (keyHigh - previousHigh - (keyLow < previousLow ? 1 : 0)) >>> 0;
    length += varUint64Length(deltaHigh, deltaLow);
    previousHigh = keyHigh;
    previousLow = keyLow;
  }
  const bytes = new Uint8Array(length);
  let offset = writeVarUint32(bytes, 0, count);
  previousHigh = 0;
  previousLow = 0;
  for (let index = 0; index < count; index++) {
    const keyHigh = high[highAt + index * stride]!;
    const keyLow = low[lowAt + index * stride]!;
    const deltaLow = (keyLow - previousLow) >>> 0;
    const deltaHigh = (keyHigh - previousHigh - (keyLow < previousLow ? 1 : 0)) >>> 0;
    offset = writeVarUint64(bytes, offset, deltaHigh, deltaLow);
    previousHigh = keyHigh;
    previousLow = keyLow;
  }
  return bytes;
}

/**
 * The entry of a long row's keys (a key list the extractor handed over, releaseLastResult), sorted where they
 * are (narrow keys, rewritten as uint64 words in place) or in one array of uint64 beside them (wide keys): 8 bytes
 * per key or less besides the key list where RowKeys takes 24 (its halves and row ids, and the sorter's scratch
 * for them). Undefined when every key is excluded.
 */
function encodeLongRowEntry(keys: KeyList, excluded: KeyMembership | undefined): Uint8Array | undefined {
  let count = 0;
  let words: Uint32Array;
  if (!keys.wide) {
    // Each kept double becomes its key's two halves in 8 bytes at or before its own (excluded.has reads key
    // `index` ≥ count, not yet overwritten).
    const values = keys.values;
    words = new Uint32Array(values.buffer, values.byteOffset, 2 * keys.count);
    for (let index = 0; index < keys.count; index++) {
      if (excluded !== undefined && excluded.has(keys, index)) continue;
      const key = values[index]!;
      words[2 * count + HIGH_WORD] = (key / TWO_POW_32) >>> 0;
      words[2 * count + LOW_WORD] = key >>> 0;
      count++;
    }
  } else {
    words = new Uint32Array(2 * keys.count);
    for (let index = 0; index < keys.count; index++) {
      if (excluded !== undefined && excluded.has(keys, index)) continue;
      words[2 * count + HIGH_WORD] = keys.high[index]!;
      words[2 * count + LOW_WORD] = keys.low[index]!;
      count++;
    }
  }
  if (count === 0) return undefined;
  sortKeyWords(words, count, keys.layout.totalBits);
  return encodeSortedKeys(words, HIGH_WORD, words, LOW_WORD, 2, count);
}

/** Decodes a pending entry into `keys` (grown as needed). */
export function decodePendingEntry(bytes: Uint8Array, keys: RowKeys, cursor = new ByteCursor()): void {
  cursor.reset(bytes, 0);
  const count = readVarUint32(cursor);
  keys.ensure(count);
  decodeKeys(cursor, count, keys.high, keys.low);
  keys.count = count;
}

/** The number of keys in a pending entry. */
function pendingEntryKeyCount(bytes: Uint8Array, cursor: ByteCursor): number {
  cursor.reset(bytes, 0);
  return readVarUint32(cursor);
}

/** Decodes `count` keys from an entry's cursor into `high`/`low`, the previous key being (keyHigh, keyLow). */
function decodeKeys(cursor: ByteCursor, count: number, high: Uint32Array, low: Uint32Array, keyHigh = 0, keyLow = 0): void {
  for (let index = 0; index < count; index++) {
    const deltaLow = readVarUint64(cursor);
    let sumLow = keyLow + deltaLow;
    let carry = 0;
    if (sumLow >= TWO_POW_32) {
      sumLow -= TWO_POW_32;
      carry = 1;
    }
    keyLow = sumLow;
    keyHigh = (keyHigh + cursor.high + carry) >>> 0;
    high[index] = keyHigh;
    low[index] = keyLow;
  }
}

/** The keys of one pending entry as a sorted run source of one row id, decoded a chunk at a time. */
class PendingEntryRunSource implements RunSource {
  readonly high: Uint32Array;
  readonly low: Uint32Array;
  readonly rowIds: Uint32Array;
  position = 0;
  length = 0;
  private readonly cursor = new ByteCursor();
  private remaining: number;
  private keyHigh = 0;
  private keyLow = 0;

  /** `entry`: bytes that stay valid while the source is read. */
  constructor(entry: Uint8Array, rowId: number, chunkPairs = 16384) {
    this.remaining = pendingEntryKeyCount(entry, this.cursor);
    const size = Math.min(chunkPairs, this.remaining);
    this.high = new Uint32Array(size);
    this.low = new Uint32Array(size);
    this.rowIds = new Uint32Array(size).fill(rowId);
    this.refill();
  }

  refill(): boolean {
    const take = Math.min(this.remaining, this.high.length);
    if (take === 0) return false;
    decodeKeys(this.cursor, take, this.high, this.low, this.keyHigh, this.keyLow);
    this.keyHigh = this.high[take - 1]!;
    this.keyLow = this.low[take - 1]!;
    this.remaining -= take;
    this.position = 0;
    this.length = take;
    return true;
  }
}

/** Pending entries of a row-entries space below `rowIdLimit`, in row id order. */
export function* pendingEntries(
  reader: IndexDataReader,
  rowEntriesId: number,
  rowIdLimit: number,
): Iterable<{ readonly rowId: number; readonly value: Uint8Array }> {
  const end = rowIdLimit >= 2 ** 40 ? spaceEnd(rowEntriesId) : indexRowEntryKey(rowEntriesId, rowIdLimit);
  for (const { key, value } of reader.indexEntries(spaceStart(rowEntriesId), end)) {
    yield { rowId: indexRowEntryRowId(key), value };
  }
}

export interface PendingInsertOptions {
  /** Keys to leave out (the high-frequency keys the index was built without). */
  readonly excludedKeys?: KeyMembership | undefined;
}

let sharedExtractor: KeyExtractor | undefined;
let sharedRowKeys: RowKeys | undefined;
/** Keys a shared RowKeys may keep room for after an insert: a long row's (12 bytes per key) are not kept. */
const retainedRowKeys = 1 << 20;

/**
 * Adds inserted rows to an index's pending list (the rows must be new in this transaction). Returns the index's
 * pending size afterwards; merge when it exceeds the limit (insertIndexRows does both).
 */
export function addPendingRows(
  write: WriteTransaction,
  indexId: number,
  rows: readonly { readonly rowId: number; readonly value: DnaValue | null }[],
  options: PendingInsertOptions = {},
): GinIndexOptions {
  const index = requireIndex(write, indexId);
  const layout: KeyLayout = ginKeyLayout(index);
  const extractor = (sharedExtractor ??= new KeyExtractor());
  const keys = (sharedRowKeys ??= new RowKeys());
  const entries: { rowId: number; value: Uint8Array }[] = [];
  let bytes = 0;
  for (const { rowId, value } of rows) {
    if (value === null) continue;
    checkIndexableRowIdLimit(rowId + 1);
    const extracted = extractor.extractStored(layout, value);
    let entry: Uint8Array | undefined;
    if (extractor.releaseLastResult()) {
      // A long row (the long-input path's keys, now ours): sorted where they are.
      entry = encodeLongRowEntry(extracted, options.excludedKeys);
    } else {
      keys.load(extracted, options.excludedKeys);
      if (keys.count > 0) entry = encodePendingEntry(keys.high, keys.low, keys.count);
    }
    if (entry === undefined) continue;
    entries.push({ rowId, value: entry });
    bytes += entry.length;
  }
  if (keys.high.length > retainedRowKeys) sharedRowKeys = undefined;
  const current = ginIndexOptions(index);
  if (entries.length === 0) return current;
  write.putIndexRowEntries(index.id, entries);
  const updated: GinIndexOptions = {
    ...current,
    pendingBytes: current.pendingBytes + bytes,
    pendingRows: current.pendingRows + entries.length,
  };
  write.setIndexOptions(index.id, updated as unknown as Readonly<Record<string, unknown>>);
  return updated;
}

/**
 * Merges the pending list into new pages (and drops postings of deleted rows on the way): the old pages and the
 * pending entries are merged like a bulk build's runs, into a fresh storage space with an empty pending list.
 */
export async function mergePendingList(write: WriteTransaction, indexId: number, resources: BuildResources): Promise<BuildReport> {
  const index = requireIndex(write, indexId);
  const options = ginIndexOptions(index);
  const blocks = listTableBlocks(write, index.tableId);
  const builder = new IndexBuilder(write, indexId, resources);
  try {
    const keys = new RowKeys();
    const cursor = new ByteCursor();
    const sorter = new PairSorter();
    const capacity = Math.max(1024, Math.floor(resources.memoryBudgetBytes / 4 / 24));
    const high = new Uint32Array(capacity);
    const low = new Uint32Array(capacity);
    const rowIds = new Uint32Array(capacity);
    let count = 0;
    const entrySources: PendingEntryRunSource[] = [];
    let entryPairs = 0;
    const flush = (): void => {
      if (count === 0) return;
      // Entries come in row id order, so the stable sort keeps row ids ascending within a key.
      const sorted = sorter.sort(high, low, rowIds, count, builder.layout.totalBits);
      builder.addRun({
        wide: true,
        count,
        high: sorted.high.slice(0, count),
        low: sorted.low.slice(0, count),
        rowIds: sorted.rowIds.slice(0, count),
      });
      count = 0;
    };
    for (const { rowId, value } of pendingEntries(write, index.rowEntriesId, blocks.rowIdLimit)) {
      const keyCount = pendingEntryKeyCount(value, cursor);
      if (keyCount > capacity) {
        // One row larger than a run (a long row): its entry is already sorted by key with one row id, so it is
        // merged as a source of its own, decoded a chunk at a time (not 48 bytes per key through a run).
        entrySources.push(new PendingEntryRunSource(value.slice(), rowId));
        entryPairs += keyCount;
        continue;
      }
      decodePendingEntry(value, keys, cursor);
      if (count + keys.count > high.length) flush();
      high.set(keys.high.subarray(0, keys.count), count);
      low.set(keys.low.subarray(0, keys.count), count);
      rowIds.fill(rowId, count, count + keys.count);
      count += keys.count;
    }
    flush();
    builder.addRows(options.statistics.rows + options.pendingRows);
    return await builder.finish({
      sources: [new PageRunSource(write, index.storageId), ...entrySources],
      sourcePairs: options.statistics.postings + entryPairs,
      filter: new LiveRowFilter(blocks.rowIdLimit, blocks.blocks),
    });
  } catch (error) {
    builder.discard();
    throw error;
  }
}

/** addPendingRows, then a merge when the pending list passed `pendingListLimitBytes`. */
export async function insertIndexRows(
  write: WriteTransaction,
  indexId: number,
  rows: readonly { readonly rowId: number; readonly value: DnaValue | null }[],
  options: PendingInsertOptions & BuildResources & { readonly pendingListLimitBytes?: number },
): Promise<GinIndexOptions> {
  const updated = addPendingRows(write, indexId, rows, options);
  if (updated.pendingBytes > (options.pendingListLimitBytes ?? defaultPendingListLimitBytes)) {
    const report = await mergePendingList(write, indexId, options);
    return ginIndexOptions(report.index);
  }
  return updated;
}

function requireIndex(write: WriteTransaction, indexId: number) {
  const index = write.getIndex(indexId);
  if (index === undefined) throw new KmerSearchError(SqlState.undefinedObject, `index with id ${indexId} does not exist`);
  return index;
}
