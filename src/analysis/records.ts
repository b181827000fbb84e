/**
 * Stored high-frequency analyses (reference analysis §1, §8.1–8.2; SPEC F5, F6): one record per
 * (table, column, k, b) — the reference's kmersearch_highfreq_kmer_meta row plus what kmersearch needs — and its
 * high-frequency keys with their appearance counts.
 *
 * The record is a storage catalog entry (namespace `highfreq-analysis`); the keys live in a data space of the `gin`
 * sub-database that the entry owns (putCatalogEntry's `ownedSpaces`), so they are published by the same commit as
 * the record, kept by the crash sweep, and deleted by storage after the commit that replaces or removes the record.
 * A rolled-back or killed analysis leaves the earlier record and its keys untouched. The space id doubles as the
 * analysis id: fresh from storage's object-id counter, never reused, so an index built with exclusion can record it
 * and notice a replaced or undone analysis (F7).
 *
 * Key data: `[space u32][chunk u32]` → up to `keysPerChunk` entries of 12 bytes, little-endian
 * (high u32, low u32, appearance_nrow u32), ascending by key.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { keyLayout, type SortedKeys } from '../kmer/index.js';
import { SharedKeySet } from '../parallel/index.js';
import type { StorageView, WriteTransaction } from '../storage/index.js';
import type { HighFrequencyAnalysis } from './analyze.js';

/** One stored analysis of (table, column, k, b): the reference's meta row plus what kmersearch needs. */
export interface AnalysisRecord {
  /** Fresh id (storage's object-id counter) for every run, never reused: an index built with exclusion records it
   *  (F7), so a replaced or undone analysis makes that index stale. */
  readonly analysisId: number;
  readonly tableId: number;
  readonly columnName: string;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  /** The meta table's value: the setting rendered with %f (6 decimals) then stored as real. */
  readonly maxAppearanceRate: number;
  /** The raw setting (0 = no cap), not the effective threshold. */
  readonly maxAppearanceNrow: number;
  /** Effective threshold (the result's max_appearance_nrow_used). */
  readonly threshold: number;
  readonly totalRows: number;
  /** Number of high-frequency keys stored. */
  readonly keyCount: number;
  readonly analysisTimestamp: Date;
}

export interface AnalysisKeys {
  /** Ascending, in the layout of (record.kmerSize, record.occurrenceBits). */
  readonly keys: SortedKeys;
  /** appearance_nrow of keys[i]. */
  readonly appearanceNrows: Float64Array;
}

const namespace = 'highfreq-analysis';
const keysPerChunk = 8192;
const TWO_POW_32 = 4294967296;

/** The catalog entry as stored (msgpack): the record with the timestamp in milliseconds. */
interface StoredAnalysis extends Omit<AnalysisRecord, 'analysisTimestamp'> {
  readonly analysisTimestampMs: number;
}

function entryKey(tableId: number, columnName: string, kmerSize: number, occurrenceBits: number): string {
  return `${tableId}/${kmerSize}/${occurrenceBits}/${columnName}`;
}

function present(stored: StoredAnalysis): AnalysisRecord {
  const { analysisTimestampMs, ...rest } = stored;
  return { ...rest, analysisTimestamp: new Date(analysisTimestampMs) };
}

function stored(record: AnalysisRecord): StoredAnalysis {
  const { analysisTimestamp, ...rest } = record;
  return { ...rest, analysisTimestampMs: analysisTimestamp.getTime() };
}

function chunkKey(space: number, chunk: number): Buffer {
  const key = Buffer.alloc(8);
  key.writeUInt32BE(space, 0);
  key.writeUInt32BE(chunk, 4);
  return key;
}

/** Host byte order: chunks are little-endian u32 words, read and written through Uint32Arrays on such hosts. */
const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function swapWords(bytes: Uint8Array): void {
  for (let at = 0; at + 3 < bytes.length; at += 4) {
    const a = bytes[at]!;
    const b = bytes[at + 1]!;
    bytes[at] = bytes[at + 3]!;
    bytes[at + 1] = bytes[at + 2]!;
    bytes[at + 2] = b;
    bytes[at + 3] = a;
  }
}

/** A stored chunk as u32 words (a view when aligned on a little-endian host, else a converted copy). */
function chunkWords(value: Uint8Array): Uint32Array {
  if (littleEndianHost && value.byteOffset % 4 === 0) return new Uint32Array(value.buffer, value.byteOffset, Math.floor(value.byteLength / 4));
  const words = new Uint32Array(Math.floor(value.byteLength / 4));
  const bytes = new Uint8Array(words.buffer);
  bytes.set(value.subarray(0, words.length * 4));
  if (!littleEndianHost) swapWords(bytes);
  return words;
}

/**
 * C's printf("%f") of a double then parsed back and stored as float4 (the reference writes the setting into the
 * meta table with `%f`): 6 decimals, exact ties rounded to even as glibc does (toFixed would round them up).
 */
export function metaAppearanceRate(rate: number): number {
  const exact = rate.toFixed(30);
  const point = exact.indexOf('.');
  const tail = exact.slice(point + 7);
  let text = rate.toFixed(6);
  if (/^50*$/.test(tail)) {
    // An exact tie: toFixed rounded away from zero; keep the truncated value when its last digit is even.
    const truncated = exact.slice(0, point + 7);
    if (Number(truncated.at(-1)) % 2 === 0) text = truncated;
  }
  return Math.fround(Number(text));
}

export function findAnalysis(
  view: StorageView,
  tableId: number,
  columnName: string,
  kmerSize: number,
  occurrenceBits: number,
): AnalysisRecord | undefined {
  const value = view.getCatalogEntry(namespace, entryKey(tableId, columnName, kmerSize, occurrenceBits)) as StoredAnalysis | undefined;
  return value === undefined ? undefined : present(value);
}

/** Every stored analysis, in (table id, column, k, b) order. */
export function listAnalyses(view: StorageView): AnalysisRecord[] {
  return view
    .listCatalogEntries(namespace)
    .map(({ value }) => present(value as StoredAnalysis))
    .sort(
      (a, b) =>
        a.tableId - b.tableId ||
        (a.columnName < b.columnName ? -1 : a.columnName > b.columnName ? 1 : 0) ||
        a.kmerSize - b.kmerSize ||
        a.occurrenceBits - b.occurrenceBits,
    );
}

export function readAnalysisKeys(view: StorageView, record: AnalysisRecord): AnalysisKeys {
  const layout = keyLayout(record.kmerSize, record.occurrenceBits);
  const count = record.keyCount;
  const high = layout.wide ? new Uint32Array(count) : undefined;
  const low = layout.wide ? new Uint32Array(count) : undefined;
  const values = layout.wide ? undefined : new Float64Array(count);
  const appearanceNrows = new Float64Array(count);
  let at = 0;
  for (const { value } of view.indexEntries(chunkKey(record.analysisId, 0), chunkKey(record.analysisId + 1, 0))) {
    const words = chunkWords(value);
    for (let offset = 0; offset < words.length && at < count; offset += 3, at++) {
      if (values !== undefined) values[at] = words[offset]! * TWO_POW_32 + words[offset + 1]!;
      else {
        high![at] = words[offset]!;
        low![at] = words[offset + 1]!;
      }
      appearanceNrows[at] = words[offset + 2]!;
    }
  }
  if (at !== count) {
    throw new KmerSearchError(SqlState.dataCorrupted, `high-frequency analysis ${record.analysisId} has ${at} stored keys, expected ${count}`);
  }
  const keys: SortedKeys =
    values !== undefined ? Object.freeze({ layout, wide: false, count, values }) : Object.freeze({ layout, wide: true, count, high: high!, low: low! });
  return { keys, appearanceNrows };
}

/** Key sets by open database (a view's cacheScope), then analysis id; one per (table, column, k, b). */
const keySetCache = new WeakMap<object, Map<string, { readonly analysisId: number; readonly set: SharedKeySet }>>();

/**
 * The high-frequency set of an analysis as a SharedKeySet (src/parallel) that worker threads read without
 * copying and that also serves as KeyMembership on the main thread; memoised per analysisId (a record never
 * changes; a re-run gets a new id). Only the newest id of each (table, column, k, b) stays memoised.
 */
export function analysisKeySet(view: StorageView, record: AnalysisRecord): SharedKeySet {
  let cache = keySetCache.get(view.cacheScope);
  if (cache === undefined) {
    cache = new Map();
    keySetCache.set(view.cacheScope, cache);
  }
  const slot = entryKey(record.tableId, record.columnName, record.kmerSize, record.occurrenceBits);
  const cached = cache.get(slot);
  if (cached !== undefined && cached.analysisId === record.analysisId) return cached.set;
  const set = SharedKeySet.from(readAnalysisKeys(view, record).keys);
  if (cached === undefined || cached.analysisId < record.analysisId) cache.set(slot, { analysisId: record.analysisId, set });
  return set;
}

/** Chunks per LMDB transaction (about 8 MB): few durable commits, bounded transaction memory. */
const chunksPerTransaction = 80;

/** The chunks `[space][chunk]` → entries of keys[start, start + keysPerChunk). */
function* keyChunks(space: number, keys: SortedKeys, counts: ArrayLike<number>, firstChunk: number, lastChunk: number): Iterable<{ key: Buffer; value: Buffer }> {
  for (let chunk = firstChunk; chunk < lastChunk; chunk++) {
    const start = chunk * keysPerChunk;
    const end = Math.min(keys.count, start + keysPerChunk);
    const words = new Uint32Array((end - start) * 3);
    for (let index = start, at = 0; index < end; index++, at += 3) {
      if (keys.wide) {
        words[at] = keys.high[index]!;
        words[at + 1] = keys.low[index]!;
      } else {
        const key = keys.values[index]!;
        words[at] = (key / TWO_POW_32) >>> 0;
        words[at + 1] = key >>> 0;
      }
      words[at + 2] = counts[index]!;
    }
    const value = Buffer.from(words.buffer, 0, words.byteLength);
    if (!littleEndianHost) swapWords(value);
    yield { key: chunkKey(space, chunk), value };
  }
}

/** Writes the keys and counts into `space`, in append mode, a few MB per LMDB transaction. */
function writeKeys(transaction: WriteTransaction, space: number, keys: SortedKeys, counts: ArrayLike<number>): void {
  const chunks = Math.ceil(keys.count / keysPerChunk);
  for (let first = 0; first < chunks; first += chunksPerTransaction) {
    transaction.putIndexEntries(keyChunks(space, keys, counts, first, Math.min(chunks, first + chunksPerTransaction)), { append: true });
  }
}

/** Replaces any earlier analysis of the same (table, column, k, b) (F6) inside the write transaction. */
export function storeAnalysis(
  transaction: WriteTransaction,
  analysis: {
    tableId: number;
    columnName: string;
    kmerSize: number;
    occurrenceBits: number;
    maxAppearanceRate: number;
    maxAppearanceNrow: number;
    result: HighFrequencyAnalysis;
    timestamp: Date;
  },
): AnalysisRecord {
  const { result } = analysis;
  const layout = result.keys.layout;
  if (layout.kmerSize !== analysis.kmerSize || layout.occurrenceBits !== analysis.occurrenceBits) {
    throw new KmerSearchError(SqlState.internalError, `analysis keys of k=${layout.kmerSize}, b=${layout.occurrenceBits} stored as k=${analysis.kmerSize}, b=${analysis.occurrenceBits}`);
  }
  const space = transaction.allocateIndexSpace();
  writeKeys(transaction, space, result.keys, result.appearanceNrows);
  const record: AnalysisRecord = {
    analysisId: space,
    tableId: analysis.tableId,
    columnName: analysis.columnName,
    kmerSize: analysis.kmerSize,
    occurrenceBits: analysis.occurrenceBits,
    maxAppearanceRate: metaAppearanceRate(analysis.maxAppearanceRate),
    maxAppearanceNrow: analysis.maxAppearanceNrow,
    threshold: result.threshold,
    totalRows: result.totalRows,
    keyCount: result.keys.count,
    analysisTimestamp: analysis.timestamp,
  };
  transaction.putCatalogEntry(namespace, entryKey(record.tableId, record.columnName, record.kmerSize, record.occurrenceBits), stored(record), [space]);
  return record;
}

/** Deletes every analysis of (table, column) (all k and b): kmersearch_undo_highfreq_analysis. */
export function dropAnalyses(
  transaction: WriteTransaction,
  tableId: number,
  columnName: string,
): { droppedAnalyses: number; droppedKeys: number } {
  let droppedAnalyses = 0;
  let droppedKeys = 0;
  for (const record of listAnalyses(transaction)) {
    if (record.tableId !== tableId || record.columnName !== columnName) continue;
    transaction.putCatalogEntry(namespace, entryKey(record.tableId, record.columnName, record.kmerSize, record.occurrenceBits), undefined);
    droppedAnalyses++;
    droppedKeys += record.keyCount;
  }
  return { droppedAnalyses, droppedKeys };
}

/** Moves analyses from one table id to another (partition/unpartition keep analysis metadata, F10). Returns how
 *  many moved; an analysis of the target with the same (column, k, b) is replaced. */
export function moveAnalyses(transaction: WriteTransaction, fromTableId: number, toTableId: number): number {
  if (fromTableId === toTableId) return 0;
  let moved = 0;
  for (const record of listAnalyses(transaction)) {
    if (record.tableId !== fromTableId) continue;
    const movedRecord: AnalysisRecord = { ...record, tableId: toTableId };
    transaction.putCatalogEntry(namespace, entryKey(toTableId, record.columnName, record.kmerSize, record.occurrenceBits), stored(movedRecord), [record.analysisId]);
    transaction.putCatalogEntry(namespace, entryKey(fromTableId, record.columnName, record.kmerSize, record.occurrenceBits), undefined);
    moved++;
  }
  return moved;
}

/** Deletes every stored analysis (DROP EXTENSION pg_kmersearch empties the analysis tables). */
export function dropAllAnalyses(transaction: WriteTransaction): number {
  const records = listAnalyses(transaction);
  for (const record of records) {
    transaction.putCatalogEntry(namespace, entryKey(record.tableId, record.columnName, record.kmerSize, record.occurrenceBits), undefined);
  }
  return records.length;
}
