/**
 * src/storage — everything kmersearch keeps on disk. It owns the LMDB environment of a database directory (one
 * per process, shared by handles), the catalog (tables, columns, constraints, sequences, index records, generic
 * entries; ids usable as OIDs), heap blocks of 256 column-major rows with row id = block × 256 + slot, the block
 * codec (pure, usable in worker threads), scans, unique/NOT NULL enforcement with PostgreSQL's errors,
 * transactions (atomic statements, BEGIN…COMMIT, snapshots, one writer across processes, crash safety) and spill
 * files. It knows SQL types but no SQL: the executor sits on top. See README.md for the design.
 */
export {
  ColumnTypes,
  checkColumnValue,
  columnTypesEqual,
  formatColumnType,
  isDnaValue,
  resolveTypeName,
  varcharType,
  type ColumnType,
  type ColumnTypeName,
  type ColumnValue,
  type ResolvedTypeName,
  type SerialKind,
} from './column-types.js';
export {
  decodeDnaBinary,
  decodeValue,
  defaultValueFormatter,
  encodeDnaBinary,
  encodeKeyTuple,
  encodeValue,
  formatFloat,
  type ValueFormatter,
} from './value-codec.js';
export {
  decodeBlockCell,
  decodeBlockColumn,
  encodeBlock,
  isTombstoned,
  rawDnaValue,
  readBlockHeader,
  readRawDnaColumn,
  rowsPerBlock,
  targetBlockBytes,
  type BlockHeader,
  type RawDnaColumn,
} from './block-codec.js';
export { SubDatabaseNames, heapKey, indexRowEntryKey, indexRowEntryRowId, parseHeapKey } from './keys.js';
export {
  firstObjectId,
  makeObjectName,
  chooseRelationName,
  type ColumnRecord,
  type ConstraintKind,
  type ConstraintRecord,
  type IndexRecord,
  type RelationEntry,
  type RelationKind,
  type SequenceRecord,
  type TableRecord,
} from './catalog.js';
export type {
  ColumnDefinition,
  ConstraintDefinition,
  IndexDefinition,
  RowUpdate,
  SequenceDefinition,
  TableDefinition,
} from './definitions.js';
export { formatFailingRow, notNullViolation, uniqueViolation } from './unique-keys.js';
export {
  Snapshot,
  visibleRowCount,
  type CatalogEntry,
  type HeapReader,
  type IndexDataReader,
  type IndexEntry,
  type StorageView,
} from './view.js';
export { WriteTransaction, type WriteTransactionState } from './write-transaction.js';
export {
  TableScan,
  blockRowCount,
  listTableBlocks,
  readBlockBytes,
  readRows,
  scanTable,
  type BlockReference,
  type RowBatch,
} from './scan.js';
export { spillDirectoryName, spillFilePrefix, type SpillCleanupResult, type SpillFile } from './spill-files.js';
export type { ReclaimReport } from './reclaim.js';
export { defaultMapSize, storageFormatVersion } from './environment.js';
export { HeapBlockReader } from './block-reader.js';
export { StorageEngine, type StorageOptions } from './engine.js';
