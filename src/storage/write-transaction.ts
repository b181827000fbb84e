/**
 * The write transaction: every change of a statement or of a BEGIN…COMMIT block, published atomically.
 *
 * New rows go to heap blocks that are written to LMDB in as many LMDB transactions as needed (so a load runs
 * at constant memory and no LMDB transaction stays open across `await`), but readers see rows only below the
 * table's `rowIdLimit`, which changes only in the final, small, durable commit transaction. Everything else
 * (catalog edits, tombstones, unique entries that replace a committed row's entry) waits in memory, is seen by
 * this transaction's reads and is applied by the commit transaction. Unique entries of new rows are written
 * with the blocks: they are verified against the row on every use (unique-keys.ts), so an unpublished one is
 * harmless. Like PostgreSQL, any error fails the whole transaction; only rollback is possible then.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { AppendBuffer, appendFlushBytes } from './append-buffer.js';
import { isTombstoned, readBlockHeader, rowsPerBlock, tombstoneBytes } from './block-codec.js';
import { CatalogOverlay } from './catalog-overlay.js';
import {
  CatalogKeys,
  catalogKeyString,
  packRecord,
  type CatalogKey,
  relationExistsError,
  chooseRelationName,
  type ConstraintRecord,
  type IndexRecord,
  type RelationEntry,
  type SequenceRecord,
  type SequenceState,
  type TableRecord,
} from './catalog.js';
import { checkColumnValue, type ColumnValue } from './column-types.js';
import type { IndexDefinition, RowUpdate, SequenceDefinition, TableDefinition } from './definitions.js';
import type { SharedEnvironment } from './environment.js';
import {
  decodeUniqueEntry,
  encodeUniqueEntry,
  heapKey,
  indexRowEntryKey,
  relationPrefix,
  type UniqueEntryValue,
} from './keys.js';
import { planTable, sequenceTypeBounds } from './plan-table.js';
import {
  deleteKeyRange,
  deleteRelation,
  deleteRowEntriesFrom,
  entryOwnedSpaces,
  indexSpaces,
  storageBlocks,
  storageEnd,
} from './reclaim.js';
import { TableWriter } from './table-writer.js';
import {
  blockRowKey,
  bytesEqual,
  canonicalKey,
  constraintValues,
  forgetBlockEntries,
  forgetEntry,
  notNullViolation,
  uniqueKey,
  uniqueViolation,
} from './unique-keys.js';
import type { ValueFormatter } from './value-codec.js';
import {
  CatalogViewBase,
  CommittedCatalog,
  LmdbHeapReader,
  LmdbIndexDataReader,
  requireConstraint,
  type HeapReader,
  type IndexEntry,
  type StorageView,
  type StoredSequence,
} from './view.js';

export type WriteTransactionState = 'active' | 'failed' | 'committed' | 'rolled-back';

interface SequenceWriteState {
  lastValue: bigint;
  isCalled: boolean;
  dirty: boolean;
}

/** Ids of heap storage, unique spaces and indexes, to delete after commit (dropped) or rollback (created). */
class ReclaimSet {
  readonly storages = new Set<number>();
  readonly uniqueSpaces = new Set<number>();
  /** Key prefixes in `gin`: index ids and index data spaces. */
  readonly indexes = new Set<number>();

  get empty(): boolean {
    return this.storages.size === 0 && this.uniqueSpaces.size === 0 && this.indexes.size === 0;
  }

  reclaim(environment: SharedEnvironment): void {
    for (const id of this.storages) {
      deleteRelation(environment, environment.heap, id);
      deleteRelation(environment, environment.tombstone, id);
    }
    for (const id of this.uniqueSpaces) deleteRelation(environment, environment.unique, id);
    for (const id of this.indexes) deleteRelation(environment, environment.gin, id);
  }
}

export interface WriteTransactionHooks {
  /** Called exactly once when the transaction ends (commit or rollback): releases the writer queue. */
  readonly onEnd: (transaction: WriteTransaction) => void;
  /** Removes the writer-lock record; runs inside an LMDB write transaction. */
  readonly releaseLockRecord: () => void;
  /** Marks the database for a full orphan sweep by the next writer (a cleanup could not finish). */
  readonly requestSweep: () => void;
  readonly formatValue: ValueFormatter;
}

const abortedMessage = 'current transaction is aborted, commands ignored until end of transaction block';

export class WriteTransaction extends CatalogViewBase implements StorageView {
  readonly kind = 'write';
  private currentState: WriteTransactionState = 'active';
  protected readonly layer: CatalogOverlay;
  private readonly committed: CommittedCatalog;
  private readonly buffer: AppendBuffer;
  private readonly writers = new Map<number, TableWriter>();
  /** Writers of storage this transaction stopped using (dropped or truncated tables): rollback cleans them too. */
  private readonly retiredWriters: TableWriter[] = [];
  private readonly sequenceDefinitions = new Map<number, StoredSequence>();
  private readonly sequences = new Map<number, SequenceWriteState>();
  private readonly createdSequences = new Set<number>();
  /** Unique entries that replace the entry of a published row this transaction deleted; applied at commit. */
  private readonly deferredUniqueEntries = new Map<string, { readonly key: Buffer; readonly value: Buffer }>();
  private readonly dropped = new ReclaimSet();
  private readonly created = new ReclaimSet();
  /** Reads of index data see the latest LMDB state: this transaction's own index writes included. */
  private readonly indexData: LmdbIndexDataReader;
  /** Ownership keys (`entry-spaces`) of the generic entries this transaction wrote, for the commit's cleanup. */
  private readonly touchedEntrySpaces = new Map<string, CatalogKey>();
  /** Published per-row entry spaces this transaction wrote to → the table whose rows they follow (for rollback). */
  private readonly rowEntryWrites = new Map<number, number>();

  constructor(
    private readonly environment: SharedEnvironment,
    private readonly hooks: WriteTransactionHooks,
  ) {
    super();
    this.committed = new CommittedCatalog(environment);
    this.layer = new CatalogOverlay(this.committed);
    this.buffer = new AppendBuffer(environment);
    this.indexData = new LmdbIndexDataReader(environment, undefined);
  }

  get state(): WriteTransactionState {
    return this.currentState;
  }

  // ---------------------------------------------------------------- view

  protected override presentTable(record: TableRecord): TableRecord {
    const writer = this.writers.get(record.id);
    if (writer === undefined) return record;
    return { ...record, storageId: writer.storageId, rowIdLimit: writer.rowIdLimit, liveRowCount: writer.liveRowCount };
  }

  protected override sequenceState(id: number): SequenceState | undefined {
    const state = this.sequences.get(id);
    if (state !== undefined) return { lastValue: state.lastValue, isCalled: state.isCalled };
    return super.sequenceState(id);
  }

  /** Renders values in constraint error details, as the transaction's own unique and NOT NULL errors do. */
  get valueFormatter(): ValueFormatter {
    return this.hooks.formatValue;
  }

  /** A heap reader over this transaction's state as of now; later changes of this transaction are not seen. */
  openHeap(tableId: number): HeapReader {
    this.assertNotEnded();
    const table = this.requireTable(tableId);
    const writer = this.writers.get(tableId);
    if (writer !== undefined) {
      // Scans read LMDB, so buffered rows go there first (still invisible to everyone else until commit).
      this.guard(() => {
        writer.flush(table);
        this.flushAppends();
      });
    }
    const tombstones = new Map<number, Uint8Array>();
    for (const [block, bitmap] of writer?.tombstones ?? []) tombstones.set(block, bitmap.slice());
    return new LmdbHeapReader(this.environment, table, table.storageId, table.rowIdLimit, undefined, tombstones);
  }

  lookupUnique(tableId: number, constraintId: number, values: readonly ColumnValue[]): number | undefined {
    this.assertNotEnded();
    const table = this.requireTable(tableId);
    const constraint = requireConstraint(table, constraintId);
    if (values.some((value) => value === null)) return undefined;
    const canonical = canonicalKey(table, constraint, values);
    const key = uniqueKey(constraint.uniqueSpaceId, canonical);
    const bytes = this.deferredUniqueEntries.get(key.toString('latin1'))?.value ?? this.buffer.readUnique(key);
    if (bytes === undefined) return undefined;
    const entry = decodeUniqueEntry(bytes);
    return this.entryIsLive(table, this.writer(table), constraint, entry, canonical) ? entry.rowId : undefined;
  }

  // ---------------------------------------------------------------- DDL

  createTable(definition: TableDefinition): TableRecord {
    return this.guard(() => {
      const { table, sequences } = planTable(
        definition,
        (count) => this.environment.allocateIds(count),
        (name) => this.findRelation(name) !== undefined,
      );
      this.created.storages.add(table.storageId);
      for (const constraint of table.constraints) {
        this.created.uniqueSpaces.add(constraint.uniqueSpaceId);
        this.layer.set(CatalogKeys.relation(constraint.name), {
          kind: 'constraint',
          id: constraint.id,
          tableId: table.id,
        } satisfies RelationEntry);
      }
      for (const sequence of sequences) this.storeNewSequence(sequence);
      this.layer.set(CatalogKeys.relation(table.name), { kind: 'table', id: table.id } satisfies RelationEntry);
      this.layer.set(CatalogKeys.table(table.id), table);
      return table;
    });
  }

  /** Drops a table with its constraints, indexes and owned sequences. */
  dropTable(tableId: number): void {
    this.guard(() => {
      const table = this.requireTable(tableId);
      for (const index of this.listIndexes(tableId)) this.dropIndexRecord(index);
      for (const constraint of table.constraints) {
        this.layer.delete(CatalogKeys.relation(constraint.name));
        this.dropped.uniqueSpaces.add(constraint.uniqueSpaceId);
      }
      for (const sequence of this.listSequences()) {
        if (sequence.ownedBy?.tableId === tableId) this.dropSequenceRecord(sequence);
      }
      this.dropped.storages.add(table.storageId);
      const writer = this.writers.get(tableId);
      if (writer !== undefined) this.retiredWriters.push(writer);
      this.writers.delete(tableId);
      this.layer.delete(CatalogKeys.relation(table.name));
      this.layer.delete(CatalogKeys.table(tableId));
    });
  }

  renameTable(tableId: number, newName: string): TableRecord {
    return this.guard(() => {
      const table = this.storedTable(tableId);
      if (this.findRelation(newName) !== undefined) throw relationExistsError(newName);
      this.layer.delete(CatalogKeys.relation(table.name));
      this.layer.set(CatalogKeys.relation(newName), { kind: 'table', id: tableId } satisfies RelationEntry);
      this.layer.set(CatalogKeys.table(tableId), { ...table, name: newName });
      return this.requireTable(tableId);
    });
  }

  /** Replaces the opaque table options (used by upper layers such as partitioning). */
  setTableOptions(tableId: number, options: Readonly<Record<string, unknown>>): TableRecord {
    return this.guard(() => {
      this.layer.set(CatalogKeys.table(tableId), { ...this.storedTable(tableId), options });
      return this.requireTable(tableId);
    });
  }

  /**
   * Empties a table by giving it fresh heap storage and fresh unique spaces (PostgreSQL's new relfilenode), so
   * the cost does not depend on the table's size. Indexes are not touched: the caller rebuilds or empties them.
   */
  truncateTable(tableId: number): void {
    this.guard(() => {
      const stored = this.storedTable(tableId);
      const writer = this.writer(stored);
      const ids = this.environment.allocateIds(1 + stored.constraints.length);
      const storageId = ids[0] as number;
      this.dropped.storages.add(writer.storageId);
      this.created.storages.add(storageId);
      const constraints = stored.constraints.map((constraint, index) => {
        this.dropped.uniqueSpaces.add(constraint.uniqueSpaceId);
        const uniqueSpaceId = ids[index + 1] as number;
        this.created.uniqueSpaces.add(uniqueSpaceId);
        return { ...constraint, uniqueSpaceId };
      });
      this.layer.set(CatalogKeys.table(tableId), { ...stored, storageId, constraints, rowIdLimit: 0, liveRowCount: 0 });
      // The old storage's unpublished rows still need cleaning on rollback.
      const retired = new TableWriter(tableId, stored, this.environment, this.buffer);
      retired.storageId = writer.storageId;
      retired.committedRowIdLimit = writer.committedRowIdLimit;
      retired.builder = writer.builder;
      this.retiredWriters.push(retired);
      writer.switchStorage(storageId);
    });
  }

  createIndex(definition: IndexDefinition): IndexRecord {
    return this.guard(() => {
      const table = this.requireTable(definition.tableId);
      const columnIndex = table.columns.findIndex((column) => column.name === definition.columnName);
      if (columnIndex < 0) {
        throw new KmerSearchError(SqlState.undefinedColumn, `column "${definition.columnName}" does not exist`);
      }
      let name = definition.name;
      if (name === undefined) {
        name = chooseRelationName(table.name, definition.columnName, 'idx', (candidate) => this.findRelation(candidate) !== undefined);
      } else if (this.findRelation(name) !== undefined) {
        throw relationExistsError(name);
      }
      const [id, storageId, rowEntriesId] = this.environment.allocateIds(3) as [number, number, number];
      const index: IndexRecord = {
        kind: 'index',
        id,
        name,
        tableId: table.id,
        columnIndex,
        method: definition.method ?? 'gin',
        operatorClass: definition.operatorClass,
        options: definition.options ?? {},
        storageId,
        rowEntriesId,
      };
      for (const space of indexSpaces(index)) this.created.indexes.add(space);
      this.layer.set(CatalogKeys.relation(name), { kind: 'index', id } satisfies RelationEntry);
      this.layer.set(CatalogKeys.index(id), index);
      return index;
    });
  }

  dropIndex(indexId: number): void {
    this.guard(() => this.dropIndexRecord(this.requireIndex(indexId)));
  }

  setIndexOptions(indexId: number, options: Readonly<Record<string, unknown>>): IndexRecord {
    return this.guard(() => {
      const updated = { ...this.requireIndex(indexId), options };
      this.layer.set(CatalogKeys.index(indexId), updated);
      return updated;
    });
  }

  createSequence(definition: SequenceDefinition): SequenceRecord {
    return this.guard(() => {
      if (this.findRelation(definition.name) !== undefined) throw relationExistsError(definition.name);
      const dataType = definition.dataType ?? 'int8';
      const increment = definition.increment ?? 1n;
      if (increment === 0n) throw new KmerSearchError(SqlState.invalidParameterValue, 'INCREMENT must not be zero');
      const ascending = increment > 0n;
      const minValue = definition.minValue ?? (ascending ? 1n : sequenceTypeBounds[dataType].min);
      const maxValue = definition.maxValue ?? (ascending ? sequenceTypeBounds[dataType].max : -1n);
      const startValue = definition.startValue ?? (ascending ? minValue : maxValue);
      if (startValue < minValue) {
        throw new KmerSearchError(SqlState.invalidParameterValue, `START value (${startValue}) cannot be less than MINVALUE (${minValue})`);
      }
      if (startValue > maxValue) {
        throw new KmerSearchError(SqlState.invalidParameterValue, `START value (${startValue}) cannot be greater than MAXVALUE (${maxValue})`);
      }
      const [id] = this.environment.allocateIds(1) as [number];
      const sequence: StoredSequence = {
        kind: 'sequence',
        id,
        name: definition.name,
        dataType,
        startValue,
        increment,
        minValue,
        maxValue,
        cycle: definition.cycle ?? false,
        ownedBy: definition.ownedBy ?? null,
      };
      this.storeNewSequence(sequence);
      return this.presentSequence(sequence);
    });
  }

  dropSequence(sequenceId: number): void {
    this.guard(() => this.dropSequenceRecord(this.presentSequence(this.sequenceDefinition(sequenceId))));
  }

  /**
   * PostgreSQL's nextval. Like PostgreSQL the value is not given back on rollback: the counter is written by
   * the next LMDB transaction of this writer whatever the outcome.
   */
  nextSequenceValue(sequenceId: number): bigint {
    return this.guard(() => {
      const sequence = this.sequenceDefinition(sequenceId);
      const state = this.sequenceWriteState(sequence);
      let value = state.lastValue;
      if (state.isCalled) {
        value += sequence.increment;
        if (sequence.increment > 0n && value > sequence.maxValue) {
          if (!sequence.cycle) {
            throw new KmerSearchError(SqlState.sequenceGeneratorLimitExceeded, `nextval: reached maximum value of sequence "${sequence.name}" (${sequence.maxValue})`);
          }
          value = sequence.minValue;
        } else if (sequence.increment < 0n && value < sequence.minValue) {
          if (!sequence.cycle) {
            throw new KmerSearchError(SqlState.sequenceGeneratorLimitExceeded, `nextval: reached minimum value of sequence "${sequence.name}" (${sequence.minValue})`);
          }
          value = sequence.maxValue;
        }
      }
      state.lastValue = value;
      state.isCalled = true;
      state.dirty = true;
      return value;
    });
  }

  /** PostgreSQL's setval(sequence, value, isCalled). */
  setSequenceValue(sequenceId: number, value: bigint, isCalled = true): bigint {
    return this.guard(() => {
      const sequence = this.sequenceDefinition(sequenceId);
      if (value < sequence.minValue || value > sequence.maxValue) {
        throw new KmerSearchError(
          SqlState.numericValueOutOfRange,
          `setval: value ${value} is out of bounds for sequence "${sequence.name}" (${sequence.minValue}..${sequence.maxValue})`,
        );
      }
      const state = this.sequenceWriteState(sequence);
      state.lastValue = value;
      state.isCalled = isCalled;
      state.dirty = true;
      return value;
    });
  }

  /**
   * Generic catalog storage for upper layers (system-table metadata, analysis records, …); undefined deletes.
   * `ownedSpaces`: `gin` data spaces the entry owns (bulk data such as an analysis's keys). Each must come from
   * allocateIndexSpace in this transaction or already be owned by an entry of this transaction's catalog (moving
   * an entry to another key). Commit and the crash sweep keep owned spaces; a space an entry owned when the
   * transaction began and no entry owns at commit (the entry was replaced or deleted) is deleted after the commit.
   */
  putCatalogEntry(namespace: string, key: string, value: unknown, ownedSpaces: readonly number[] = []): void {
    this.guard(() => {
      if (ownedSpaces.length > 0) {
        const owned = new Set(entryOwnedSpaces(this.layer));
        for (const space of ownedSpaces) {
          if (!this.created.indexes.has(space) && !owned.has(space)) {
            throw new KmerSearchError(SqlState.internalError, `data space ${space} was neither allocated by this transaction nor owned by an entry`);
          }
        }
      }
      const spacesKey = CatalogKeys.entrySpaces(namespace, key);
      this.touchedEntrySpaces.set(catalogKeyString(spacesKey), spacesKey);
      if (value === undefined) this.layer.delete(CatalogKeys.entry(namespace, key));
      else this.layer.set(CatalogKeys.entry(namespace, key), value);
      if (value === undefined || ownedSpaces.length === 0) this.layer.delete(spacesKey);
      else this.layer.set(spacesKey, [...ownedSpaces]);
    });
  }

  // ---------------------------------------------------------------- index data
  //
  // Index data follows the heap's rules. Bulk data (pages) goes to a fresh space that only this transaction's
  // catalog names, so it is invisible until the commit publishes the index record; per-row entries are keyed by
  // row id and are visible exactly when their rows are. Nothing published is ever changed in place.

  get cacheScope(): object {
    return this.indexData.cacheScope;
  }

  readIndexEntry(key: Uint8Array): Uint8Array | undefined {
    this.assertNotEnded();
    return this.indexData.readIndexEntry(key);
  }

  indexEntries(start: Uint8Array, end: Uint8Array): Iterable<IndexEntry> {
    this.assertNotEnded();
    return this.indexData.indexEntries(start, end);
  }

  indexKeys(start: Uint8Array, end: Uint8Array): Iterable<Uint8Array> {
    this.assertNotEnded();
    return this.indexData.indexKeys(start, end);
  }

  /**
   * A fresh, empty key prefix in `gin` for index data. It is deleted on rollback, and after the commit unless an
   * index record names it by then (replaceIndexSpaces).
   */
  allocateIndexSpace(): number {
    return this.guard(() => {
      const [id] = this.environment.allocateIds(1) as [number];
      this.created.indexes.add(id);
      return id;
    });
  }

  /**
   * Writes entries into spaces allocated by this transaction, in one LMDB transaction where the size ceiling
   * applies. `append`: the keys ascend and follow every key in `gin` (LMDB's append mode fills pages completely);
   * true for a fresh space, whose id is the largest so far.
   */
  putIndexEntries(entries: Iterable<IndexEntry>, options: { readonly append?: boolean } = {}): void {
    this.guard(() => {
      const putOptions = { append: options.append === true };
      this.environment.writeSync(() => {
        for (const { key, value } of entries) {
          if (!this.created.indexes.has(relationPrefix(key))) {
            throw new KmerSearchError(SqlState.internalError, 'index data may only be written to a space of this transaction');
          }
          this.environment.gin.putSync(key as Buffer, value as Buffer, putOptions);
        }
      }, true);
    });
  }

  /**
   * Writes per-row entries of an index (`[rowEntriesId][row id]` → value) for rows this transaction inserted, in
   * one LMDB transaction. Like the rows, they become visible at commit and vanish on rollback.
   */
  putIndexRowEntries(indexId: number, entries: readonly { readonly rowId: number; readonly value: Uint8Array }[]): void {
    this.guard(() => {
      const index = this.requireIndex(indexId);
      const space = index.rowEntriesId;
      if (!this.created.indexes.has(space)) {
        const writer = this.writer(this.requireTable(index.tableId));
        for (const { rowId } of entries) {
          if (rowId < writer.committedRowIdLimit) {
            throw new KmerSearchError(SqlState.internalError, `row ${rowId} is published: its index entry cannot change`);
          }
        }
        this.rowEntryWrites.set(space, index.tableId);
      }
      this.environment.writeSync(() => {
        for (const { rowId, value } of entries) this.environment.gin.putSync(indexRowEntryKey(space, rowId), value as Buffer);
      }, true);
    });
  }

  /**
   * Points an index at other data spaces (from allocateIndexSpace) and/or new options: a rebuild, a merge of
   * per-row entries, TRUNCATE. The replaced spaces are deleted after the commit.
   */
  replaceIndexSpaces(
    indexId: number,
    change: { readonly storageId?: number; readonly rowEntriesId?: number; readonly options?: Readonly<Record<string, unknown>> },
  ): IndexRecord {
    return this.guard(() => {
      const index = this.requireIndex(indexId);
      for (const space of [change.storageId, change.rowEntriesId]) {
        if (space !== undefined && !this.created.indexes.has(space)) {
          throw new KmerSearchError(SqlState.internalError, `index space ${space} was not allocated by this transaction`);
        }
      }
      const updated: IndexRecord = {
        ...index,
        storageId: change.storageId ?? index.storageId,
        rowEntriesId: change.rowEntriesId ?? index.rowEntriesId,
        options: change.options ?? index.options,
      };
      if (updated.storageId !== index.storageId) this.dropped.indexes.add(index.storageId);
      if (updated.rowEntriesId !== index.rowEntriesId) this.dropped.indexes.add(index.rowEntriesId);
      this.layer.set(CatalogKeys.index(indexId), updated);
      return updated;
    });
  }

  /**
   * Deletes the data of a space this transaction allocated, now (cleanup after a failed or cancelled build, so
   * nothing waits for the rollback). Works on a failed transaction; never throws for cleanup problems.
   */
  discardIndexSpace(spaceId: number): void {
    if (!this.created.indexes.has(spaceId)) return;
    try {
      deleteRelation(this.environment, this.environment.gin, spaceId);
    } catch {
      this.hooks.requestSweep();
    }
  }

  // ---------------------------------------------------------------- DML

  /**
   * Appends complete rows (column order, defaults already applied). Checks types, NOT NULL and unique
   * constraints row by row as PostgreSQL does; returns the new row ids.
   */
  insertRows(tableId: number, rows: readonly (readonly ColumnValue[])[]): number[] {
    return this.guard(() => {
      const table = this.requireTable(tableId);
      const writer = this.writer(table);
      return rows.map((row) => this.insertRow(table, writer, row));
    });
  }

  /** Marks rows deleted; returns how many were live. Rows are identified by the ids a scan returned. */
  deleteRows(tableId: number, rowIds: readonly number[]): number {
    return this.guard(() => {
      const writer = this.writer(this.requireTable(tableId));
      const rowCounts = new Map<number, number>();
      let deleted = 0;
      for (const rowId of rowIds) if (writer.delete(rowId, rowCounts)) deleted += 1;
      return deleted;
    });
  }

  /**
   * Replaces rows by new versions (delete + insert, as PostgreSQL does), one row at a time so that unique
   * checks see the same intermediate states as PostgreSQL's. Returns the new row ids; null where the row was
   * already deleted (for example updated twice by one statement).
   */
  updateRows(tableId: number, updates: readonly RowUpdate[]): (number | null)[] {
    return this.guard(() => {
      const table = this.requireTable(tableId);
      const writer = this.writer(table);
      const rowCounts = new Map<number, number>();
      return updates.map((update) => {
        // Checked before the delete: a bad new row must not leave the old one deleted in a reused transaction.
        this.checkRow(table, update.values);
        if (!writer.delete(update.rowId, rowCounts)) return null;
        return this.insertRow(table, writer, update.values);
      });
    });
  }

  // ---------------------------------------------------------------- end

  /**
   * Publishes everything in one durable LMDB transaction. A failed transaction is rolled back instead and
   * 25P02 is thrown (PostgreSQL answers COMMIT of a failed transaction with ROLLBACK).
   */
  commit(): void {
    if (this.currentState === 'failed') {
      this.rollback();
      throw new KmerSearchError(SqlState.inFailedSqlTransaction, abortedMessage);
    }
    this.assertNotEnded();
    this.dropUnreferencedIndexSpaces();
    const cleanupAfterCommit = !this.dropped.empty;
    try {
      for (const writer of this.writers.values()) writer.flush(this.requireTable(writer.tableId));
      // Large appends get their own transaction, where the size ceiling can still fail the statement; a small
      // remainder rides along with the publishing transaction unless the database is close to its ceiling.
      const nearCeiling = this.environment.usedBytes() + 4 * this.buffer.bytes + appendFlushBytes > this.environment.mapSize;
      if (this.buffer.bytes > 256 * 1024 || nearCeiling) this.flushAppends();
      this.environment.writeSync(() => {
        this.buffer.writeOut();
        this.publish();
        if (!cleanupAfterCommit) this.hooks.releaseLockRecord();
      });
      this.buffer.clear();
    } catch (error) {
      this.currentState = 'failed';
      this.rollback();
      throw error;
    }
    this.currentState = 'committed';
    try {
      if (cleanupAfterCommit) {
        try {
          this.dropped.reclaim(this.environment);
        } catch {
          this.hooks.requestSweep();
        }
        this.environment.writeSync(() => this.hooks.releaseLockRecord());
      }
    } finally {
      this.hooks.onEnd(this);
    }
  }

  /** Discards every change (sequence advances excepted). Idempotent; never throws for cleanup problems. */
  rollback(): void {
    if (this.currentState === 'committed' || this.currentState === 'rolled-back') return;
    this.currentState = 'rolled-back';
    this.buffer.clear();
    try {
      try {
        for (const writer of [...this.writers.values(), ...this.retiredWriters]) {
          if (!this.created.storages.has(writer.storageId)) this.discardAppendedRows(writer);
        }
        for (const [space, tableId] of this.rowEntryWrites) {
          const table = this.committed.get(CatalogKeys.table(tableId)) as TableRecord | undefined;
          deleteRowEntriesFrom(this.environment, space, table?.rowIdLimit ?? 0);
        }
        this.created.reclaim(this.environment);
      } catch {
        // Unpublished data is invisible anyway; the next writer sweeps what is left.
        this.hooks.requestSweep();
      }
      this.environment.writeSync(() => {
        this.persistSequenceStates(false);
        this.hooks.releaseLockRecord();
      });
    } catch {
      // A lock record of this live process would block other writers: remove it even if nothing else worked.
      try {
        this.environment.writeSync(() => this.hooks.releaseLockRecord());
      } catch {
        /* The next writer will find the record and wait for its timeout. */
      }
    } finally {
      this.hooks.onEnd(this);
    }
  }

  // ---------------------------------------------------------------- internals

  private guard<T>(action: () => T): T {
    if (this.currentState === 'failed') throw new KmerSearchError(SqlState.inFailedSqlTransaction, abortedMessage);
    this.assertNotEnded();
    try {
      return action();
    } catch (error) {
      this.currentState = 'failed';
      throw error;
    }
  }

  private assertNotEnded(): void {
    if (this.currentState === 'committed' || this.currentState === 'rolled-back') {
      throw new KmerSearchError(SqlState.noActiveSqlTransaction, 'the write transaction has already ended');
    }
  }

  /** The table record as stored in this transaction's catalog (without live counters). */
  private storedTable(tableId: number): TableRecord {
    const record = this.layer.get(CatalogKeys.table(tableId)) as TableRecord | undefined;
    if (record === undefined) throw new KmerSearchError(SqlState.undefinedTable, `table with id ${tableId} does not exist`);
    return record;
  }

  private writer(table: TableRecord): TableWriter {
    let writer = this.writers.get(table.id);
    if (writer === undefined) {
      writer = new TableWriter(table.id, this.storedTable(table.id), this.environment, this.buffer);
      this.writers.set(table.id, writer);
    }
    return writer;
  }

  private requireIndex(indexId: number): IndexRecord {
    const index = this.getIndex(indexId);
    if (index === undefined) throw new KmerSearchError(SqlState.undefinedObject, `index with id ${indexId} does not exist`);
    return index;
  }

  /** Definitions do not change within a transaction, so nextval does not decode them every time. */
  private sequenceDefinition(sequenceId: number): StoredSequence {
    let sequence = this.sequenceDefinitions.get(sequenceId);
    if (sequence === undefined) {
      sequence = this.layer.get(CatalogKeys.sequence(sequenceId)) as StoredSequence | undefined;
      if (sequence === undefined) {
        throw new KmerSearchError(SqlState.undefinedObject, `sequence with id ${sequenceId} does not exist`);
      }
      this.sequenceDefinitions.set(sequenceId, sequence);
    }
    return sequence;
  }

  private sequenceWriteState(sequence: StoredSequence): SequenceWriteState {
    let state = this.sequences.get(sequence.id);
    if (state === undefined) {
      const stored = super.sequenceState(sequence.id) ?? { lastValue: sequence.startValue, isCalled: false };
      state = { lastValue: stored.lastValue, isCalled: stored.isCalled, dirty: false };
      this.sequences.set(sequence.id, state);
    }
    return state;
  }

  private storeNewSequence(sequence: StoredSequence): void {
    this.createdSequences.add(sequence.id);
    this.sequenceDefinitions.set(sequence.id, sequence);
    this.layer.set(CatalogKeys.relation(sequence.name), { kind: 'sequence', id: sequence.id } satisfies RelationEntry);
    this.layer.set(CatalogKeys.sequence(sequence.id), sequence);
    this.sequences.set(sequence.id, { lastValue: sequence.startValue, isCalled: false, dirty: true });
  }

  private dropSequenceRecord(sequence: SequenceRecord): void {
    this.layer.delete(CatalogKeys.relation(sequence.name));
    this.layer.delete(CatalogKeys.sequence(sequence.id));
    this.layer.delete(CatalogKeys.sequenceState(sequence.id));
    this.sequences.delete(sequence.id);
    this.sequenceDefinitions.delete(sequence.id);
  }

  private dropIndexRecord(index: IndexRecord): void {
    this.layer.delete(CatalogKeys.relation(index.name));
    this.layer.delete(CatalogKeys.index(index.id));
    for (const space of indexSpaces(index)) this.dropped.indexes.add(space);
  }

  /**
   * Spaces allocated by this transaction that no index record or entry names at commit are garbage, and so are
   * spaces that entries changed by this transaction owned before and no entry owns now: delete after commit.
   */
  private dropUnreferencedIndexSpaces(): void {
    if (this.created.indexes.size === 0 && this.touchedEntrySpaces.size === 0) return;
    const referenced = new Set([...this.listIndexes().flatMap(indexSpaces), ...entryOwnedSpaces(this.layer)]);
    for (const space of this.created.indexes) if (!referenced.has(space)) this.dropped.indexes.add(space);
    for (const spacesKey of this.touchedEntrySpaces.values()) {
      const before = (this.committed.get(spacesKey) as number[] | undefined) ?? [];
      for (const space of before) if (!referenced.has(space)) this.dropped.indexes.add(space);
    }
  }

  /** Writes changed counters (inside an LMDB transaction); `includeCreated` false: only committed sequences. */
  private persistSequenceStates(includeCreated: boolean): void {
    for (const [id, state] of this.sequences) {
      if (!state.dirty || (!includeCreated && this.createdSequences.has(id))) continue;
      const record: SequenceState = { lastValue: state.lastValue, isCalled: state.isCalled };
      this.environment.catalog.putSync(CatalogKeys.sequenceState(id) as (string | number)[], packRecord(record));
      state.dirty = false;
    }
  }

  /** Writes the append buffer in its own LMDB transaction, where the size ceiling applies. */
  private flushAppends(): void {
    if (this.buffer.isEmpty) return;
    this.environment.writeSync(() => {
      this.buffer.writeOut();
      this.persistSequenceStates(false);
    }, true);
    this.buffer.clear();
  }

  /** Type and NOT NULL checks of a full row; returns its encoded size. */
  private checkRow(table: TableRecord, row: readonly ColumnValue[]): number {
    if (row.length !== table.columns.length) {
      throw new KmerSearchError(
        SqlState.internalError,
        `row has ${row.length} values but table "${table.name}" has ${table.columns.length} columns`,
      );
    }
    table.columns.forEach((column, index) => checkColumnValue(column.type, row[index] ?? null, column.name));
    const nullColumn = table.columns.findIndex((column, index) => column.notNull && (row[index] ?? null) === null);
    if (nullColumn >= 0) throw notNullViolation(table, nullColumn, row, this.hooks.formatValue);
    return TableWriter.rowSize(table, row);
  }

  private insertRow(table: TableRecord, writer: TableWriter, row: readonly ColumnValue[]): number {
    const rowSize = this.checkRow(table, row);
    const rowId = writer.prepareSlot(table, rowSize);
    for (const constraint of table.constraints) this.claimUniqueKey(table, writer, constraint, row, rowId);
    writer.push(table, row, rowSize);
    if (this.buffer.bytes >= appendFlushBytes) this.flushAppends();
    return rowId;
  }

  private claimUniqueKey(
    table: TableRecord,
    writer: TableWriter,
    constraint: ConstraintRecord,
    row: readonly ColumnValue[],
    rowId: number,
  ): void {
    const values = constraintValues(constraint, row);
    if (values === null) return;
    const canonical = canonicalKey(table, constraint, values);
    const key = uniqueKey(constraint.uniqueSpaceId, canonical);
    const mapKey = key.toString('latin1');
    const stored = this.buffer.readUnique(key);
    const effective = this.deferredUniqueEntries.get(mapKey)?.value ?? stored;
    if (effective !== undefined && this.entryIsLive(table, writer, constraint, decodeUniqueEntry(effective), canonical)) {
      throw uniqueViolation(table, constraint, values, this.hooks.formatValue);
    }
    const value = encodeUniqueEntry({ storageId: writer.storageId, rowId });
    if (stored !== undefined && this.entryIsLiveCommitted(table.id, constraint, decodeUniqueEntry(stored), canonical)) {
      // The stored entry belongs to a published row that only this transaction deleted: a rollback must find it
      // intact, so the replacement waits for the commit.
      this.deferredUniqueEntries.set(mapKey, { key, value });
    } else {
      this.buffer.putUnique(key, value);
      this.deferredUniqueEntries.delete(mapKey);
    }
  }

  /** Whether `entry` names a live row holding `canonical` as this transaction sees the table. */
  private entryIsLive(
    table: TableRecord,
    writer: TableWriter,
    constraint: ConstraintRecord,
    entry: UniqueEntryValue,
    canonical: Uint8Array,
  ): boolean {
    if (entry.storageId !== writer.storageId || entry.rowId < 0 || entry.rowId >= writer.rowIdLimit) return false;
    if (writer.isDeleted(entry.rowId)) return false;
    const pending = writer.builderRow(entry.rowId);
    if (pending === null) return false;
    if (pending !== undefined) {
      const values = constraint.columnIndexes.map((index) => pending[index] ?? null);
      return !values.includes(null) && bytesEqual(canonicalKey(table, constraint, values), canonical);
    }
    const block = Math.floor(entry.rowId / rowsPerBlock);
    const slot = entry.rowId % rowsPerBlock;
    const bytes = this.buffer.readBlock(writer.storageId, block);
    if (bytes === undefined || slot >= readBlockHeader(bytes).rowCount) return false;
    const key = blockRowKey(table, constraint, bytes, slot);
    return key !== null && bytesEqual(key, canonical);
  }

  /** Whether `entry` names a live row holding `canonical` in the published state (ignoring this transaction). */
  private entryIsLiveCommitted(
    tableId: number,
    constraint: ConstraintRecord,
    entry: UniqueEntryValue,
    canonical: Uint8Array,
  ): boolean {
    const table = this.committed.get(CatalogKeys.table(tableId)) as TableRecord | undefined;
    if (table === undefined) return false;
    const committedConstraint = table.constraints.find((candidate) => candidate.id === constraint.id);
    if (committedConstraint?.uniqueSpaceId !== constraint.uniqueSpaceId) return false;
    if (entry.storageId !== table.storageId || entry.rowId < 0 || entry.rowId >= table.rowIdLimit) return false;
    const block = Math.floor(entry.rowId / rowsPerBlock);
    const slot = entry.rowId % rowsPerBlock;
    if (isTombstoned(this.environment.tombstone.get(heapKey(table.storageId, block)), slot)) return false;
    // The stored version of a block holds its published rows unchanged even while this transaction extends it.
    const bytes = this.environment.heap.get(heapKey(table.storageId, block));
    if (bytes === undefined || slot >= readBlockHeader(bytes).rowCount) return false;
    const key = blockRowKey(table, committedConstraint, bytes, slot);
    return key !== null && bytesEqual(key, canonical);
  }

  /** The commit's LMDB work: catalog changes, table counters, tombstones, unique entries, sequences. */
  private publish(): void {
    const catalog = this.environment.catalog;
    // Table records change with every published write (row counters), so every commit is a new generation.
    this.environment.bumpCatalogGeneration();
    for (const { key, value } of this.layer.changes.values()) {
      if (value === undefined) catalog.removeSync(key as (string | number)[]);
      else catalog.putSync(key as (string | number)[], packRecord(value));
    }
    for (const { key, value } of this.deferredUniqueEntries.values()) this.environment.unique.putSync(key, value);
    for (const writer of this.writers.values()) {
      const stored = this.layer.get(CatalogKeys.table(writer.tableId)) as TableRecord | undefined;
      if (stored === undefined) continue;
      catalog.putSync(
        CatalogKeys.table(writer.tableId) as (string | number)[],
        packRecord({ ...stored, storageId: writer.storageId, rowIdLimit: writer.rowIdLimit, liveRowCount: writer.liveRowCount }),
      );
      for (const [block, bitmap] of writer.tombstones) {
        const key = heapKey(writer.storageId, block);
        const existing = this.environment.tombstone.get(key);
        const merged = new Uint8Array(tombstoneBytes);
        for (let index = 0; index < tombstoneBytes; index += 1) merged[index] = (existing?.[index] ?? 0) | (bitmap[index] ?? 0);
        this.environment.tombstone.putSync(key, Buffer.from(merged.buffer));
        if (stored.constraints.length === 0) continue;
        // Deleted rows give up their unique entries (where the entry still names them).
        const bytes = this.environment.heap.get(key);
        if (bytes !== undefined) {
          forgetBlockEntries(this.environment, stored, writer.storageId, block, bytes, (slot) => isTombstoned(bitmap, slot));
        }
      }
    }
    this.persistSequenceStates(true);
  }

  /**
   * Rollback of appends to published storage: forget the unique entries of the unpublished rows and delete the
   * blocks that hold only unpublished rows (a partly published last block keeps its extra rows; they are
   * invisible and overwritten by the next append).
   */
  private discardAppendedRows(writer: TableWriter): void {
    const table = this.committed.get(CatalogKeys.table(writer.tableId)) as TableRecord | undefined;
    const limit = writer.committedRowIdLimit;
    if (table !== undefined && table.constraints.length > 0 && table.storageId === writer.storageId) {
      const builder = writer.builder;
      if (builder !== null) {
        // Rows that never reached a block in LMDB may still have entries there from an earlier flush.
        this.environment.writeSync(() => {
          for (let slot = 0; slot < builder.rowCount; slot += 1) {
            const rowId = builder.block * rowsPerBlock + slot;
            if (rowId < limit) continue;
            const row = builder.columns.map((column) => column[slot] ?? null);
            for (const constraint of table.constraints) {
              const values = constraintValues(constraint, row);
              if (values !== null) forgetEntry(this.environment, constraint, canonicalKey(table, constraint, values), writer.storageId, rowId);
            }
          }
        });
      }
      for (const { block, bytes } of storageBlocks(this.environment, writer.storageId, Math.floor(limit / rowsPerBlock))) {
        this.environment.writeSync(() => {
          forgetBlockEntries(this.environment, table, writer.storageId, block, bytes, (slot) => block * rowsPerBlock + slot >= limit);
        });
      }
    }
    deleteKeyRange(
      this.environment,
      this.environment.heap,
      heapKey(writer.storageId, Math.ceil(limit / rowsPerBlock)),
      storageEnd(writer.storageId),
    );
  }
}
