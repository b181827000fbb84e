/**
 * The uncommitted state of one table in a write transaction: where new rows go (the block being filled), which
 * rows this transaction deleted, and the row id limit it will publish.
 *
 * New rows fill the table's last block until it holds 256 rows or about 64 KiB, then the next block. A block
 * that already holds published rows is rewritten with the new rows after them; readers ignore slots at or above
 * the published limit, so the rewrite is invisible until the commit.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { AppendBuffer } from './append-buffer.js';
import {
  decodeBlockColumn,
  emptyBlockSize,
  encodeBlock,
  encodedValueSize,
  isTombstoned,
  readBlockHeader,
  rowsPerBlock,
  setTombstone,
  targetBlockBytes,
  tombstoneBytes,
} from './block-codec.js';
import type { TableRecord } from './catalog.js';
import type { ColumnValue } from './column-types.js';
import type { SharedEnvironment } from './environment.js';
import { heapKey } from './keys.js';

/** The rows of the block being filled. */
export interface BlockBuilder {
  readonly block: number;
  rowCount: number;
  /** Column-major: columns[c][r]. */
  readonly columns: ColumnValue[][];
  byteSize: number;
  /** Holds rows that neither the append buffer nor LMDB has yet. */
  dirty: boolean;
}

export class TableWriter {
  /** Published row id limit of `storageId` (0 for storage created by this transaction). */
  committedRowIdLimit: number;
  rowIdLimit: number;
  liveRowCount: number;
  storageId: number;
  builder: BlockBuilder | null = null;
  /** Rows deleted by this transaction, per block. */
  readonly tombstones = new Map<number, Uint8Array>();
  /** Stored tombstones read so far (published deletions of committed blocks). */
  private readonly storedTombstones = new Map<number, Uint8Array | undefined>();

  constructor(
    readonly tableId: number,
    stored: TableRecord,
    private readonly environment: SharedEnvironment,
    private readonly buffer: AppendBuffer,
  ) {
    this.storageId = stored.storageId;
    this.committedRowIdLimit = stored.rowIdLimit;
    this.rowIdLimit = stored.rowIdLimit;
    this.liveRowCount = stored.liveRowCount;
  }

  /** TRUNCATE: continue on fresh, empty storage. */
  switchStorage(storageId: number): void {
    this.storageId = storageId;
    this.committedRowIdLimit = 0;
    this.rowIdLimit = 0;
    this.liveRowCount = 0;
    this.builder = null;
    this.tombstones.clear();
    this.storedTombstones.clear();
  }

  /** Encoded size of a row, to decide when a block is full. */
  static rowSize(table: TableRecord, row: readonly ColumnValue[]): number {
    let size = 0;
    table.columns.forEach((column, index) => (size += encodedValueSize(column.type.name, row[index] ?? null)));
    return size;
  }

  private ensureBuilder(table: TableRecord): BlockBuilder {
    if (this.builder !== null) return this.builder;
    const block = Math.floor(this.rowIdLimit / rowsPerBlock);
    const existingRows = this.rowIdLimit - block * rowsPerBlock;
    const columns: ColumnValue[][] = table.columns.map(() => []);
    let byteSize = emptyBlockSize(table.columns.length);
    // A rolled-back or killed statement may have left rows after the published ones in the last block. Readers
    // ignore them only while the block stays the last one: if this writer closes the block early (by size) and
    // publishes rows of the next block, those slots would fall below the new limit. So such a block starts dirty
    // and is rewritten with exactly its published rows before it can be closed.
    let staleRows = false;
    if (existingRows > 0) {
      const bytes = this.buffer.readBlock(this.storageId, block);
      const storedRows = bytes === undefined ? 0 : readBlockHeader(bytes).rowCount;
      if (bytes === undefined || storedRows < existingRows) {
        throw new KmerSearchError(SqlState.dataCorrupted, `heap block ${block} of table "${table.name}" is missing`);
      }
      staleRows = storedRows > existingRows;
      table.columns.forEach((column, index) => {
        const values = decodeBlockColumn(bytes, index, existingRows);
        columns[index] = values;
        for (const value of values) byteSize += encodedValueSize(column.type.name, value);
      });
    }
    this.builder = { block, rowCount: existingRows, columns, byteSize, dirty: staleRows };
    return this.builder;
  }

  /**
   * The row id the next row will get, closing the current block first when the row does not fit. Row ids of a
   * block start at block × 256 even when the previous block closed early by size.
   */
  prepareSlot(table: TableRecord, rowSize: number): number {
    const builder = this.ensureBuilder(table);
    const full =
      builder.rowCount >= rowsPerBlock || (builder.rowCount > 0 && builder.byteSize + rowSize > targetBlockBytes);
    if (!full) return builder.block * rowsPerBlock + builder.rowCount;
    this.flush(table);
    const next = builder.block + 1;
    this.builder = {
      block: next,
      rowCount: 0,
      columns: table.columns.map(() => []),
      byteSize: emptyBlockSize(table.columns.length),
      dirty: false,
    };
    this.rowIdLimit = next * rowsPerBlock;
    return next * rowsPerBlock;
  }

  /** Appends a row at the slot prepareSlot returned. */
  push(table: TableRecord, row: readonly ColumnValue[], rowSize: number): number {
    const builder = this.ensureBuilder(table);
    const rowId = builder.block * rowsPerBlock + builder.rowCount;
    row.forEach((value, index) => (builder.columns[index] as ColumnValue[]).push(value ?? null));
    builder.rowCount += 1;
    builder.byteSize += rowSize;
    builder.dirty = true;
    this.rowIdLimit = rowId + 1;
    this.liveRowCount += 1;
    return rowId;
  }

  /** Hands the block being filled to the append buffer (it stays the block being filled). */
  flush(table: TableRecord): void {
    const builder = this.builder;
    if (builder === null || !builder.dirty) return;
    const typeNames = table.columns.map((column) => column.type.name);
    this.buffer.putBlock(this.storageId, builder.block, encodeBlock(typeNames, builder.columns, builder.rowCount));
    builder.dirty = false;
  }

  /** Values of a row that is still in the block being filled; undefined when the row is elsewhere. */
  builderRow(rowId: number): ColumnValue[] | null | undefined {
    const builder = this.builder;
    const block = Math.floor(rowId / rowsPerBlock);
    if (builder === null || builder.block !== block) return undefined;
    const slot = rowId % rowsPerBlock;
    if (slot >= builder.rowCount) return null;
    return builder.columns.map((column) => column[slot] ?? null);
  }

  /** Whether a row id below rowIdLimit is deleted (published or by this transaction). */
  isDeleted(rowId: number): boolean {
    const block = Math.floor(rowId / rowsPerBlock);
    const slot = rowId % rowsPerBlock;
    if (isTombstoned(this.tombstones.get(block), slot)) return true;
    return rowId < this.committedRowIdLimit && isTombstoned(this.storedTombstonesOf(block), slot);
  }

  private storedTombstonesOf(block: number): Uint8Array | undefined {
    if (!this.storedTombstones.has(block)) {
      this.storedTombstones.set(block, this.environment.tombstone.get(heapKey(this.storageId, block)));
    }
    return this.storedTombstones.get(block);
  }

  /** Number of rows stored in a block (a slot past it, in a block closed early by size, is a hole). */
  private blockRowCount(block: number, cache: Map<number, number>): number {
    let rowCount = cache.get(block);
    if (rowCount === undefined) {
      if (this.builder !== null && this.builder.block === block) rowCount = this.builder.rowCount;
      else {
        const bytes = this.buffer.readBlock(this.storageId, block);
        rowCount = bytes === undefined ? 0 : readBlockHeader(bytes).rowCount;
      }
      cache.set(block, rowCount);
    }
    return rowCount;
  }

  /** Marks a row deleted; false when it does not exist or is already deleted. */
  delete(rowId: number, rowCounts: Map<number, number>): boolean {
    if (!Number.isInteger(rowId) || rowId < 0 || rowId >= this.rowIdLimit || this.isDeleted(rowId)) return false;
    const block = Math.floor(rowId / rowsPerBlock);
    const slot = rowId % rowsPerBlock;
    if (slot >= this.blockRowCount(block, rowCounts)) return false;
    let bitmap = this.tombstones.get(block);
    if (bitmap === undefined) {
      bitmap = new Uint8Array(tombstoneBytes);
      this.tombstones.set(block, bitmap);
    }
    setTombstone(bitmap, slot);
    this.liveRowCount -= 1;
    return true;
  }
}
