/**
 * Names of the LMDB sub-databases and their binary key layouts. Keys are fixed-width big-endian so that a range
 * scan returns blocks in order and everything of one relation is one contiguous range (cheap to drop).
 */
export const SubDatabaseNames = Object.freeze({
  /** Catalog records (tables, indexes, sequences, generic entries); ordered keys, msgpack values. */
  catalog: 'catalog',
  /** Heap blocks: [storageId u32][block u32] → block bytes (block-codec.ts). */
  heap: 'heap',
  /** Per-block deletion bitmaps: [storageId u32][block u32] → 32 bytes. Kept apart so deletes never rewrite blocks. */
  tombstone: 'tombstone',
  /**
   * Index data under the index's spaces (IndexRecord.storageId, IndexRecord.rowEntriesId): pages
   * `[storageId u32][…]` owned by src/gin, and per-row entries `[rowEntriesId u32][block u32][slot u8]` that follow
   * heap visibility. Dropped with the index.
   */
  gin: 'gin',
  /** Unique constraints: [constraintId u32][0 + canonical key | 1 + SHA-256] → [storageId u32][rowId f64]. */
  unique: 'unique',
  /**
   * Engine metadata: format version, object id counter, catalog generation (bumped by every commit), writer lock,
   * sweep flag.
   */
  meta: 'meta',
});

/** Above this many canonical key bytes a unique key is stored as its SHA-256 (LMDB keys are limited). */
export const maxInlineUniqueKeyBytes = 480;

export function heapKey(storageId: number, block: number): Buffer {
  const key = Buffer.allocUnsafe(8);
  key.writeUInt32BE(storageId, 0);
  key.writeUInt32BE(block, 4);
  return key;
}

export function parseHeapKey(key: Uint8Array): { storageId: number; block: number } {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return { storageId: view.getUint32(0), block: view.getUint32(4) };
}

/** First key of the range of one relation (storage, constraint or index id) in heap/tombstone/unique/gin. */
export function relationRangeStart(relationId: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeUInt32BE(relationId, 0);
  return key;
}

/** The u32 relation prefix of a key. */
export function relationPrefix(key: Uint8Array): number {
  return new DataView(key.buffer, key.byteOffset, key.byteLength).getUint32(0);
}

export interface UniqueEntryValue {
  readonly storageId: number;
  readonly rowId: number;
}

export function encodeUniqueEntry(entry: UniqueEntryValue): Buffer {
  const value = Buffer.allocUnsafe(12);
  value.writeUInt32BE(entry.storageId, 0);
  value.writeDoubleBE(entry.rowId, 4);
  return value;
}

export function decodeUniqueEntry(value: Uint8Array): UniqueEntryValue {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return { storageId: view.getUint32(0), rowId: view.getFloat64(4) };
}

/**
 * Key of a per-row index entry: [spaceId u32][block u32][slot u8], so entries sort by row id and everything at or
 * above a row id limit is one key range.
 */
export function indexRowEntryKey(spaceId: number, rowId: number): Buffer {
  const key = Buffer.allocUnsafe(9);
  key.writeUInt32BE(spaceId, 0);
  key.writeUInt32BE(Math.floor(rowId / 256), 4);
  key.writeUInt8(rowId % 256, 8);
  return key;
}

/** The row id of a per-row index entry key. */
export function indexRowEntryRowId(key: Uint8Array): number {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return view.getUint32(4) * 256 + view.getUint8(8);
}
