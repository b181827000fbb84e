/**
 * Read access to one consistent state of a database: the catalog and the heap. Two implementations: a
 * `Snapshot` (an LMDB read transaction: what was committed when it began) and the `WriteTransaction` (committed
 * state plus its own uncommitted changes). Scans and lookups are written once against `StorageView`.
 */
import type { Transaction } from 'lmdb';
import { KmerSearchError, SqlState } from '../errors.js';
import { isTombstoned, readBlockHeader, rowsPerBlock } from './block-codec.js';
import {
  CatalogKeys,
  catalogKeyString,
  catalogEntryRange,
  catalogKindRange,
  unpackRecord,
  type CatalogKey,
  type IndexRecord,
  type RelationEntry,
  type SequenceRecord,
  type SequenceState,
  type TableRecord,
} from './catalog.js';
import type { ColumnValue } from './column-types.js';
import type { SharedEnvironment } from './environment.js';
import { decodeUniqueEntry, heapKey } from './keys.js';
import { blockRowKey, bytesEqual, canonicalKey, uniqueKey } from './unique-keys.js';

export interface CatalogEntry {
  readonly key: string;
  readonly value: unknown;
}

export interface HeapBlock {
  readonly block: number;
  readonly bytes: Uint8Array;
}

/** The heap of one table as one view sees it. Rows at or above `rowIdLimit` do not exist for this view. */
export interface HeapReader {
  readonly table: TableRecord;
  readonly storageId: number;
  readonly rowIdLimit: number;
  /** Stored blocks that hold visible rows, in block order. */
  blocks(fromBlock?: number): Iterable<HeapBlock>;
  /** Numbers of the stored blocks that hold visible rows (reads keys only). */
  blockNumbers(): Iterable<number>;
  /**
   * The bytes of a stored block. `transient`: lmdb-js's reused read buffer instead of a copy, valid only until
   * the next LMDB read on this thread — for callers that decode what they need at once (no 64 KiB allocation).
   */
  readBlock(block: number, transient?: boolean): Uint8Array | undefined;
  /** Deleted slots of a block (bit set = deleted), or undefined when none. */
  tombstones(block: number): Uint8Array | undefined;
}

/** An entry of the `gin` sub-database (index data, see IndexRecord.storageId / rowEntriesId). */
export interface IndexEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/**
 * Read access to index data (the `gin` sub-database) as one view sees it. Used by src/gin; the key layout within
 * an index's spaces is gin's.
 */
export interface IndexDataReader {
  /**
   * Stands for the open database: the same object for every reader of one database while it stays open in this
   * thread. Published index data never changes under a given space id, so caches of it (page directories) can
   * be keyed by (cacheScope, space id).
   */
  readonly cacheScope: object;
  /**
   * The value of `key`, or undefined. The bytes are transient: valid only until the next index read on this thread
   * (lmdb-js's fast path, no copy); copy them to keep them.
   */
  readIndexEntry(key: Uint8Array): Uint8Array | undefined;
  /** Entries with start ≤ key < end, in key order (values are copies). */
  indexEntries(start: Uint8Array, end: Uint8Array): Iterable<IndexEntry>;
  /** Keys with start ≤ key < end, in key order (reads no values). */
  indexKeys(start: Uint8Array, end: Uint8Array): Iterable<Uint8Array>;
}

export interface StorageView extends IndexDataReader {
  readonly kind: 'snapshot' | 'write';
  findRelation(name: string): RelationEntry | undefined;
  /** A table by name or id. */
  getTable(reference: string | number): TableRecord | undefined;
  listTables(): TableRecord[];
  getIndex(reference: string | number): IndexRecord | undefined;
  listIndexes(tableId?: number): IndexRecord[];
  getSequence(reference: string | number): SequenceRecord | undefined;
  listSequences(): SequenceRecord[];
  getCatalogEntry(namespace: string, key: string): unknown;
  listCatalogEntries(namespace: string): CatalogEntry[];
  /** Row id of the live row whose constraint columns equal `values`, if any. */
  lookupUnique(tableId: number, constraintId: number, values: readonly ColumnValue[]): number | undefined;
  openHeap(tableId: number): HeapReader;
}

/** Raw catalog storage: decoded records by key. */
export interface CatalogLayer {
  get(key: CatalogKey): unknown;
  range(start: CatalogKey, end: CatalogKey): { key: CatalogKey; value: unknown }[];
}

type LmdbKey = (string | number)[];

export class CommittedCatalog implements CatalogLayer {
  private readonly options: { transaction: Transaction } | undefined;

  constructor(
    private readonly environment: SharedEnvironment,
    transaction?: Transaction,
  ) {
    this.options = transaction === undefined ? undefined : { transaction };
  }

  get(key: CatalogKey): unknown {
    const bytes = this.environment.catalog.get(key as LmdbKey, this.options);
    return bytes === undefined ? undefined : unpackRecord<unknown>(bytes);
  }

  range(start: CatalogKey, end: CatalogKey): { key: CatalogKey; value: unknown }[] {
    const entries: { key: CatalogKey; value: unknown }[] = [];
    for (const { key, value } of this.environment.catalog.getRange({
      start: start as LmdbKey,
      end: end as LmdbKey,
      ...this.options,
    })) {
      entries.push({ key, value: unpackRecord<unknown>(value) });
    }
    return entries;
  }
}

/** Freezes a decoded record and everything in it: cached records are shared by every snapshot of a generation. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Cached lookups per generation, misses included (a catalog is small; names asked for that do not exist are not). */
const maxCachedCatalogLookups = 10_000;

function remember(records: Map<string, unknown>, name: string, value: unknown): void {
  if (records.size >= maxCachedCatalogLookups) records.clear();
  records.set(name, value);
}

/**
 * A snapshot's catalog: the committed catalog as its LMDB read transaction sees it, with decoded records taken
 * from (and added to) the process's record cache of the snapshot's catalog generation (SharedEnvironment
 * .catalogRecords). A statement's binder, planner and executor read the same table and index records many times,
 * and a search loop reads them in every statement; msgpack decoding them each time was about a tenth of a small
 * statement. The generation is read in the snapshot's own transaction, so a snapshot never sees records of
 * another catalog state, whichever process committed it. Sequence states (`nextval` writes them outside any
 * commit) are never cached.
 */
class SnapshotCatalog implements CatalogLayer {
  private generation: number | undefined;

  constructor(
    private readonly environment: SharedEnvironment,
    private readonly transaction: Transaction,
    private readonly committed: CommittedCatalog,
  ) {}

  /** The shared records of this snapshot's generation, or undefined when the cache holds a newer one. */
  private records(): Map<string, unknown> | undefined {
    this.generation ??= this.environment.catalogGeneration(this.transaction);
    const cache = this.environment.catalogRecords;
    if (cache.generation === this.generation) return cache.entries;
    if (cache.generation > this.generation) return undefined;
    cache.generation = this.generation;
    cache.entries.clear();
    return cache.entries;
  }

  get(key: CatalogKey): unknown {
    const records = key[0] === 'sequence-state' ? undefined : this.records();
    if (records === undefined) return this.committed.get(key);
    const name = catalogKeyString(key);
    if (records.has(name)) return records.get(name);
    const value = deepFreeze(this.committed.get(key));
    remember(records, name, value);
    return value;
  }

  range(start: CatalogKey, end: CatalogKey): { key: CatalogKey; value: unknown }[] {
    const records = start[0] === 'sequence-state' || start[0] !== end[0] ? undefined : this.records();
    if (records === undefined) return this.committed.range(start, end);
    const name = `${catalogKeyString(start)}..${catalogKeyString(end)}`;
    let entries = records.get(name) as { key: CatalogKey; value: unknown }[] | undefined;
    if (entries === undefined) {
      entries = deepFreeze(this.committed.range(start, end));
      remember(records, name, entries);
    }
    // A copy: callers may sort or filter what they get.
    return entries.slice();
  }
}

export type StoredSequence = Omit<SequenceRecord, 'lastValue' | 'isCalled'>;

/** Catalog lookups shared by both views; subclasses supply the layer and their own live counters. */
export abstract class CatalogViewBase {
  protected abstract readonly layer: CatalogLayer;

  /** Adjusts a stored table record to this view (the write transaction adds its uncommitted counters). */
  protected presentTable(record: TableRecord): TableRecord {
    return record;
  }

  protected sequenceState(id: number): SequenceState | undefined {
    return this.layer.get(CatalogKeys.sequenceState(id)) as SequenceState | undefined;
  }

  findRelation(name: string): RelationEntry | undefined {
    return this.layer.get(CatalogKeys.relation(name)) as RelationEntry | undefined;
  }

  private resolveId(reference: string | number, kind: RelationEntry['kind']): number | undefined {
    if (typeof reference === 'number') return reference;
    const relation = this.findRelation(reference);
    return relation?.kind === kind ? relation.id : undefined;
  }

  getTable(reference: string | number): TableRecord | undefined {
    const id = this.resolveId(reference, 'table');
    if (id === undefined) return undefined;
    const record = this.layer.get(CatalogKeys.table(id)) as TableRecord | undefined;
    return record === undefined ? undefined : this.presentTable(record);
  }

  listTables(): TableRecord[] {
    const { start, end } = catalogKindRange('table');
    return this.layer.range(start, end).map(({ value }) => this.presentTable(value as TableRecord));
  }

  getIndex(reference: string | number): IndexRecord | undefined {
    const id = this.resolveId(reference, 'index');
    return id === undefined ? undefined : (this.layer.get(CatalogKeys.index(id)) as IndexRecord | undefined);
  }

  listIndexes(tableId?: number): IndexRecord[] {
    const { start, end } = catalogKindRange('index');
    const indexes = this.layer.range(start, end).map(({ value }) => value as IndexRecord);
    return tableId === undefined ? indexes : indexes.filter((index) => index.tableId === tableId);
  }

  getSequence(reference: string | number): SequenceRecord | undefined {
    const id = this.resolveId(reference, 'sequence');
    if (id === undefined) return undefined;
    const stored = this.layer.get(CatalogKeys.sequence(id)) as StoredSequence | undefined;
    return stored === undefined ? undefined : this.presentSequence(stored);
  }

  listSequences(): SequenceRecord[] {
    const { start, end } = catalogKindRange('sequence');
    return this.layer.range(start, end).map(({ value }) => this.presentSequence(value as StoredSequence));
  }

  protected presentSequence(stored: StoredSequence): SequenceRecord {
    const state = this.sequenceState(stored.id) ?? { lastValue: stored.startValue, isCalled: false };
    return { ...stored, lastValue: state.lastValue, isCalled: state.isCalled };
  }

  getCatalogEntry(namespace: string, key: string): unknown {
    return this.layer.get(CatalogKeys.entry(namespace, key));
  }

  listCatalogEntries(namespace: string): CatalogEntry[] {
    const { start, end } = catalogEntryRange(namespace);
    return this.layer.range(start, end).map(({ key, value }) => ({ key: String(key[2]), value }));
  }

  protected requireTable(tableId: number): TableRecord {
    const table = this.getTable(tableId);
    if (table === undefined) throw new KmerSearchError(SqlState.undefinedTable, `table with id ${tableId} does not exist`);
    return table;
  }
}

interface FastBinaryGet {
  getBinaryFast(key: Buffer, options?: { transaction: Transaction }): Buffer | undefined;
}

/** IndexDataReader over one LMDB read transaction, or over the latest state (and a write's own writes). */
export class LmdbIndexDataReader implements IndexDataReader {
  private readonly options: { transaction: Transaction } | undefined;

  constructor(
    private readonly environment: SharedEnvironment,
    transaction: Transaction | undefined,
  ) {
    this.options = transaction === undefined ? undefined : { transaction };
  }

  get cacheScope(): object {
    return this.environment;
  }

  readIndexEntry(key: Uint8Array): Uint8Array | undefined {
    // lmdb-js accepts read options here too; its typings omit them.
    const value = (this.environment.gin as unknown as FastBinaryGet).getBinaryFast(key as Buffer, this.options);
    // The fast path's buffer is lmdb-js's reused one with an overridden `length`: a view of exactly the value
    // keeps byteLength, subarray and copies right.
    return value === undefined ? undefined : value.subarray(0, value.length);
  }

  *indexEntries(start: Uint8Array, end: Uint8Array): Iterable<IndexEntry> {
    for (const { key, value } of this.environment.gin.getRange({ start: start as Buffer, end: end as Buffer, ...this.options })) {
      yield { key, value };
    }
  }

  *indexKeys(start: Uint8Array, end: Uint8Array): Iterable<Uint8Array> {
    yield* this.environment.gin.getKeys({ start: start as Buffer, end: end as Buffer, ...this.options });
  }
}

export function requireConstraint(table: TableRecord, constraintId: number) {
  const constraint = table.constraints.find((candidate) => candidate.id === constraintId);
  if (constraint === undefined) {
    throw new KmerSearchError(SqlState.undefinedObject, `constraint ${constraintId} of table "${table.name}" does not exist`);
  }
  return constraint;
}

/** Heap access through one LMDB read transaction (or the latest state when `transaction` is undefined). */
export class LmdbHeapReader implements HeapReader {
  private readonly options: { transaction: Transaction } | undefined;

  constructor(
    private readonly environment: SharedEnvironment,
    readonly table: TableRecord,
    readonly storageId: number,
    readonly rowIdLimit: number,
    transaction: Transaction | undefined,
    /** Uncommitted deletions of a write transaction, merged over the stored tombstones. */
    private readonly extraTombstones?: ReadonlyMap<number, Uint8Array>,
  ) {
    this.options = transaction === undefined ? undefined : { transaction };
  }

  *blocks(fromBlock = 0): Iterable<HeapBlock> {
    if (this.rowIdLimit === 0) return;
    const lastBlock = Math.floor((this.rowIdLimit - 1) / rowsPerBlock);
    if (fromBlock > lastBlock) return;
    const range = this.environment.heap.getRange({
      start: heapKey(this.storageId, fromBlock),
      end: heapKey(this.storageId, lastBlock + 1),
      ...this.options,
    });
    for (const { key, value } of range) {
      yield { block: key.readUInt32BE(4), bytes: value };
    }
  }

  *blockNumbers(): Iterable<number> {
    if (this.rowIdLimit === 0) return;
    const lastBlock = Math.floor((this.rowIdLimit - 1) / rowsPerBlock);
    for (const key of this.environment.heap.getKeys({
      start: heapKey(this.storageId, 0),
      end: heapKey(this.storageId, lastBlock + 1),
      ...this.options,
    })) {
      yield key.readUInt32BE(4);
    }
  }

  readBlock(block: number, transient = false): Uint8Array | undefined {
    if (block * rowsPerBlock >= this.rowIdLimit) return undefined;
    if (!transient) return this.environment.heap.get(heapKey(this.storageId, block), this.options);
    const value = (this.environment.heap as unknown as FastBinaryGet).getBinaryFast(heapKey(this.storageId, block), this.options);
    // As in readIndexEntry: a view of exactly the value (the reused buffer's `length` is overridden).
    return value === undefined ? undefined : value.subarray(0, value.length);
  }

  tombstones(block: number): Uint8Array | undefined {
    const stored = this.environment.tombstone.get(heapKey(this.storageId, block), this.options);
    const extra = this.extraTombstones?.get(block);
    if (extra === undefined) return stored;
    if (stored === undefined) return extra;
    const merged = new Uint8Array(stored.length);
    for (let index = 0; index < merged.length; index += 1) merged[index] = (stored[index] ?? 0) | (extra[index] ?? 0);
    return merged;
  }
}

/** Number of rows of `block` that exist for a reader whose limit is `rowIdLimit`. */
export function visibleRowCount(blockBytes: Uint8Array, block: number, rowIdLimit: number): number {
  return Math.max(0, Math.min(readBlockHeader(blockBytes).rowCount, rowIdLimit - block * rowsPerBlock));
}

/** Whether row `rowId` exists, is not deleted and holds `canonical` under `heap`. */
export function heapRowHasKey(
  heap: HeapReader,
  constraint: TableRecord['constraints'][number],
  rowId: number,
  canonical: Uint8Array,
): boolean {
  if (rowId < 0 || rowId >= heap.rowIdLimit) return false;
  const block = Math.floor(rowId / rowsPerBlock);
  const slot = rowId % rowsPerBlock;
  const bytes = heap.readBlock(block);
  if (bytes === undefined || slot >= readBlockHeader(bytes).rowCount) return false;
  if (isTombstoned(heap.tombstones(block), slot)) return false;
  const key = blockRowKey(heap.table, constraint, bytes, slot);
  return key !== null && bytesEqual(key, canonical);
}

/** A read-only view of what was committed when it began. Close it (or `using`) to release the LMDB reader. */
export class Snapshot extends CatalogViewBase implements StorageView, Disposable {
  readonly kind = 'snapshot';
  private readonly catalog: CatalogLayer;
  private readonly indexData: LmdbIndexDataReader;
  private closed = false;

  constructor(
    private readonly environment: SharedEnvironment,
    private readonly transaction: Transaction,
    private readonly onClose: (snapshot: Snapshot) => void,
  ) {
    super();
    this.catalog = new SnapshotCatalog(environment, transaction, new CommittedCatalog(environment, transaction));
    this.indexData = new LmdbIndexDataReader(environment, transaction);
  }

  /** Every catalog read goes through here, so a closed snapshot cannot read through a finished LMDB reader. */
  protected get layer(): CatalogLayer {
    this.assertOpen();
    return this.catalog;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  openHeap(tableId: number): HeapReader {
    this.assertOpen();
    const table = this.requireTable(tableId);
    return new LmdbHeapReader(this.environment, table, table.storageId, table.rowIdLimit, this.transaction);
  }

  lookupUnique(tableId: number, constraintId: number, values: readonly ColumnValue[]): number | undefined {
    this.assertOpen();
    const table = this.requireTable(tableId);
    const constraint = requireConstraint(table, constraintId);
    if (values.some((value) => value === null)) return undefined;
    const canonical = canonicalKey(table, constraint, values);
    const bytes = this.environment.unique.get(uniqueKey(constraint.uniqueSpaceId, canonical), {
      transaction: this.transaction,
    });
    if (bytes === undefined) return undefined;
    const entry = decodeUniqueEntry(bytes);
    if (entry.storageId !== table.storageId) return undefined;
    return heapRowHasKey(this.openHeap(tableId), constraint, entry.rowId, canonical) ? entry.rowId : undefined;
  }

  get cacheScope(): object {
    return this.indexData.cacheScope;
  }

  readIndexEntry(key: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    return this.indexData.readIndexEntry(key);
  }

  indexEntries(start: Uint8Array, end: Uint8Array): Iterable<IndexEntry> {
    this.assertOpen();
    return this.indexData.indexEntries(start, end);
  }

  indexKeys(start: Uint8Array, end: Uint8Array): Iterable<Uint8Array> {
    this.assertOpen();
    return this.indexData.indexKeys(start, end);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transaction.done();
    this.onClose(this);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, 'the snapshot has been closed');
  }
}
