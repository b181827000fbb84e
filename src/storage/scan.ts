/**
 * Reading rows: block-by-block scans that decode only the selected columns, random access by row id, and the
 * block list that parallel workers split among themselves.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { decodeBlockColumn, isTombstoned, readBlockHeader, rowsPerBlock } from './block-codec.js';
import type { ColumnValue } from './column-types.js';
import { visibleRowCount, type HeapReader, type StorageView } from './view.js';

/** Live rows of one block: `columns[i][j]` is selected column i of row `rowIds[j]`. */
export interface RowBatch {
  readonly block: number;
  readonly rowIds: readonly number[];
  readonly columns: readonly (readonly ColumnValue[])[];
}

/** Blocks between two yields to the event loop in async iteration (lets timers and cancellation run). */
const blocksPerYield = 32;

function checkColumns(heap: HeapReader, columnIndexes: readonly number[]): void {
  for (const index of columnIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= heap.table.columns.length) {
      throw new KmerSearchError(SqlState.undefinedColumn, `table "${heap.table.name}" has no column number ${index + 1}`);
    }
  }
}

function decodeBatch(heap: HeapReader, columnIndexes: readonly number[], block: number, bytes: Uint8Array): RowBatch {
  const rowCount = visibleRowCount(bytes, block, heap.rowIdLimit);
  const tombstones = heap.tombstones(block);
  const decoded = columnIndexes.map((index) => decodeBlockColumn(bytes, index, rowCount));
  const rowIds: number[] = [];
  const firstRowId = block * rowsPerBlock;
  if (tombstones === undefined) {
    for (let slot = 0; slot < rowCount; slot += 1) rowIds.push(firstRowId + slot);
    return { block, rowIds, columns: decoded };
  }
  const columns: ColumnValue[][] = columnIndexes.map(() => []);
  for (let slot = 0; slot < rowCount; slot += 1) {
    if (isTombstoned(tombstones, slot)) continue;
    rowIds.push(firstRowId + slot);
    decoded.forEach((values, column) => (columns[column] as ColumnValue[]).push(values[slot] ?? null));
  }
  return { block, rowIds, columns };
}

/**
 * A scan of one table as `view` saw it when the scan was created; iterate it synchronously (`for…of`) or with
 * `for await`, which yields to the event loop every few blocks. Blocks without live rows are skipped.
 */
export class TableScan implements Iterable<RowBatch>, AsyncIterable<RowBatch> {
  private readonly heap: HeapReader;

  constructor(
    view: StorageView,
    tableId: number,
    private readonly columnIndexes: readonly number[],
  ) {
    this.heap = view.openHeap(tableId);
    checkColumns(this.heap, columnIndexes);
  }

  get rowIdLimit(): number {
    return this.heap.rowIdLimit;
  }

  *[Symbol.iterator](): Iterator<RowBatch> {
    for (const { block, bytes } of this.heap.blocks()) {
      const batch = decodeBatch(this.heap, this.columnIndexes, block, bytes);
      if (batch.rowIds.length > 0) yield batch;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RowBatch> {
    let sinceYield = 0;
    for (const batch of this) {
      yield batch;
      sinceYield += 1;
      if (sinceYield >= blocksPerYield) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }
}

/** Scans the selected columns (0-based positions; all columns when omitted) of a table. */
export function scanTable(view: StorageView, tableId: number, columnIndexes?: readonly number[]): TableScan {
  const columns = columnIndexes ?? (view.getTable(tableId)?.columns.map((_, index) => index) ?? []);
  return new TableScan(view, tableId, columns);
}

/**
 * The selected columns of the given rows (in the given order); rows that do not exist or are deleted are left
 * out, so compare `rowIds` of the result with the request.
 */
export function readRows(
  view: StorageView,
  tableId: number,
  rowIds: readonly number[],
  columnIndexes: readonly number[],
): { readonly rowIds: readonly number[]; readonly columns: readonly (readonly ColumnValue[])[] } {
  const heap = view.openHeap(tableId);
  checkColumns(heap, columnIndexes);
  const blocks = new Map<number, { rowCount: number; tombstones: Uint8Array | undefined; columns: ColumnValue[][] } | null>();
  const foundRowIds: number[] = [];
  const columns: ColumnValue[][] = columnIndexes.map(() => []);
  for (const rowId of rowIds) {
    if (!Number.isInteger(rowId) || rowId < 0 || rowId >= heap.rowIdLimit) continue;
    const blockNumber = Math.floor(rowId / rowsPerBlock);
    let block = blocks.get(blockNumber);
    if (block === undefined) {
      const bytes = heap.readBlock(blockNumber);
      block =
        bytes === undefined
          ? null
          : {
              rowCount: visibleRowCount(bytes, blockNumber, heap.rowIdLimit),
              tombstones: heap.tombstones(blockNumber),
              columns: columnIndexes.map((index) => decodeBlockColumn(bytes, index)),
            };
      blocks.set(blockNumber, block);
    }
    const slot = rowId % rowsPerBlock;
    if (block === null || slot >= block.rowCount || isTombstoned(block.tombstones, slot)) continue;
    foundRowIds.push(rowId);
    block.columns.forEach((values, column) => (columns[column] as ColumnValue[]).push(values[slot] ?? null));
  }
  return { rowIds: foundRowIds, columns };
}

/** One stored block of a table for a parallel worker: read `heapKey(storageId, block)` and skip tombstoned slots. */
export interface BlockReference {
  readonly block: number;
  /** Slots at or above this are not visible (rows of a later, unpublished or newer append). */
  readonly slotLimit: number;
  readonly tombstones: Uint8Array | null;
}

/**
 * What a worker thread needs to read a table exactly as `view` sees it: the storage id and the visible blocks
 * with their deleted slots. Block bytes below the published limit never change, so workers may read them in
 * their own read transaction.
 */
export function listTableBlocks(
  view: StorageView,
  tableId: number,
): { readonly storageId: number; readonly rowIdLimit: number; readonly blocks: readonly BlockReference[] } {
  const heap = view.openHeap(tableId);
  const blocks: BlockReference[] = [];
  for (const block of heap.blockNumbers()) {
    blocks.push({
      block,
      slotLimit: Math.min(rowsPerBlock, heap.rowIdLimit - block * rowsPerBlock),
      tombstones: heap.tombstones(block) ?? null,
    });
  }
  return { storageId: heap.storageId, rowIdLimit: heap.rowIdLimit, blocks };
}

/** The raw bytes of one block (decode with block-codec.ts), or undefined when it holds no visible row. */
export function readBlockBytes(view: StorageView, tableId: number, block: number): Uint8Array | undefined {
  return view.openHeap(tableId).readBlock(block);
}

/** Row count stored in a block header (visible rows may be fewer; see BlockReference.slotLimit). */
export function blockRowCount(bytes: Uint8Array): number {
  return readBlockHeader(bytes).rowCount;
}
