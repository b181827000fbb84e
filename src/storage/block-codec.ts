/**
 * Heap block layout: up to 256 rows stored column by column. Every function here is a pure function of bytes
 * (no LMDB, no catalog), so worker threads can decode blocks they read themselves.
 *
 *   header   u8 magic 0x4B · u8 version 1 · u16 columnCount · u16 rowCount · u16 reserved
 *   types    columnCount × u8 type code (a block describes itself)
 *   offsets  (columnCount + 1) × u32: start of each column segment, then the end of the block
 *   segment  u8 flags (bit 0: null bitmap present) · [ceil(rowCount/8) null bitmap, bit set = NULL]
 *            fixed-width types: rowCount × width (NULL slots zero)
 *            variable types:    (rowCount + 1) × u32 offsets relative to the data area · data
 *                               (text UTF-8, bytea raw, DNA as 4-byte bit length + packed bytes)
 *
 * Every slot (NULL or not) has a position, so a single row is reached without decoding the others. All integers
 * are big-endian.
 */
import type { DnaValue } from '../dna/types.js';
import { KmerSearchError, SqlState } from '../errors.js';
import type { ColumnTypeName, ColumnValue } from './column-types.js';
import {
  fixedValueWidth,
  readFixedValue,
  readVariableValue,
  variableValueBytes,
  writeFixedValue,
} from './value-codec.js';

export const rowsPerBlock = 256;
/** A block is closed once adding a row would take it past this size (a single larger row gets its own block). */
export const targetBlockBytes = 64 * 1024;

const blockMagic = 0x4b;
const blockVersion = 1;

const typeCodes: Readonly<Record<ColumnTypeName, number>> = {
  dna2: 1,
  dna4: 2,
  text: 3,
  varchar: 4,
  int2: 5,
  int4: 6,
  int8: 7,
  bool: 8,
  float4: 9,
  float8: 10,
  bytea: 11,
  timestamptz: 12,
};
const typeNamesByCode: readonly (ColumnTypeName | undefined)[] = (() => {
  const names: (ColumnTypeName | undefined)[] = [];
  for (const [name, code] of Object.entries(typeCodes)) names[code] = name as ColumnTypeName;
  return names;
})();

function corruptBlock(reason: string): KmerSearchError {
  return new KmerSearchError(SqlState.dataCorrupted, `heap block is corrupt: ${reason}`);
}

/**
 * Encodes a block from column-major values: `columns[c][r]` is the value of column c in row r. Values must have
 * passed checkColumnValue for `typeNames[c]`.
 */
export function encodeBlock(
  typeNames: readonly ColumnTypeName[],
  columns: readonly (readonly ColumnValue[])[],
  rowCount: number,
): Uint8Array {
  if (rowCount > rowsPerBlock) throw corruptBlock(`${rowCount} rows`);
  const columnCount = typeNames.length;
  const segments: Uint8Array[] = [];
  for (let column = 0; column < columnCount; column += 1) {
    const typeName = typeNames[column] as ColumnTypeName;
    const values = columns[column] ?? [];
    segments.push(encodeSegment(typeName, values, rowCount));
  }
  const headerBytes = 8 + columnCount + (columnCount + 1) * 4;
  let total = headerBytes;
  for (const segment of segments) total += segment.length;
  const block = new Uint8Array(total);
  const view = new DataView(block.buffer);
  view.setUint8(0, blockMagic);
  view.setUint8(1, blockVersion);
  view.setUint16(2, columnCount);
  view.setUint16(4, rowCount);
  for (let column = 0; column < columnCount; column += 1) {
    view.setUint8(8 + column, typeCodes[typeNames[column] as ColumnTypeName]);
  }
  let offset = headerBytes;
  const directory = 8 + columnCount;
  segments.forEach((segment, column) => {
    view.setUint32(directory + column * 4, offset);
    block.set(segment, offset);
    offset += segment.length;
  });
  view.setUint32(directory + columnCount * 4, offset);
  return block;
}

function encodeSegment(typeName: ColumnTypeName, values: readonly ColumnValue[], rowCount: number): Uint8Array {
  let hasNull = false;
  for (let row = 0; row < rowCount; row += 1) {
    if (values[row] === null || values[row] === undefined) {
      hasNull = true;
      break;
    }
  }
  const bitmapBytes = hasNull ? Math.ceil(rowCount / 8) : 0;
  const prefix = 1 + bitmapBytes;
  const width = fixedValueWidth(typeName);
  let segment: Uint8Array;
  if (width !== 0) {
    segment = new Uint8Array(prefix + rowCount * width);
    const view = new DataView(segment.buffer);
    for (let row = 0; row < rowCount; row += 1) {
      const value = values[row] ?? null;
      if (value !== null) writeFixedValue(view, prefix + row * width, typeName, value);
    }
  } else {
    // Text is encoded once here; bytea and DNA are copied straight into the segment.
    const texts: (Uint8Array | null)[] = [];
    let dataLength = 0;
    for (let row = 0; row < rowCount; row += 1) {
      const value = values[row] ?? null;
      if (value === null) {
        texts.push(null);
      } else if (typeName === 'text' || typeName === 'varchar') {
        const bytes = variableValueBytes(typeName, value);
        texts.push(bytes);
        dataLength += bytes.length;
      } else {
        texts.push(null);
        dataLength += typeName === 'bytea' ? (value as Uint8Array).length : 4 + (value as DnaValue).data.length;
      }
    }
    const offsetsStart = prefix;
    const dataStart = offsetsStart + (rowCount + 1) * 4;
    segment = new Uint8Array(dataStart + dataLength);
    const view = new DataView(segment.buffer);
    let dataOffset = 0;
    for (let row = 0; row < rowCount; row += 1) {
      view.setUint32(offsetsStart + row * 4, dataOffset);
      const value = values[row] ?? null;
      if (value === null) continue;
      const text = texts[row];
      if (text) {
        segment.set(text, dataStart + dataOffset);
        dataOffset += text.length;
      } else if (typeName === 'bytea') {
        segment.set(value as Uint8Array, dataStart + dataOffset);
        dataOffset += (value as Uint8Array).length;
      } else {
        const dna = value as DnaValue;
        view.setUint32(dataStart + dataOffset, dna.bitLength);
        segment.set(dna.data, dataStart + dataOffset + 4);
        dataOffset += 4 + dna.data.length;
      }
    }
    view.setUint32(offsetsStart + rowCount * 4, dataOffset);
  }
  segment[0] = hasNull ? 1 : 0;
  if (hasNull) {
    for (let row = 0; row < rowCount; row += 1) {
      if (values[row] === null || values[row] === undefined) {
        segment[1 + (row >> 3)] = (segment[1 + (row >> 3)] ?? 0) | (1 << (row & 7));
      }
    }
  }
  return segment;
}

/** Bytes a value adds to a block, to decide when a block is full (exact for the layout above). */
export function encodedValueSize(typeName: ColumnTypeName, value: ColumnValue): number {
  const width = fixedValueWidth(typeName);
  if (width !== 0) return width;
  if (value === null) return 4;
  switch (typeName) {
    case 'text':
    case 'varchar':
      return 4 + Buffer.byteLength(value as string, 'utf8');
    case 'bytea':
      return 4 + (value as Uint8Array).length;
    default:
      return 8 + (value as DnaValue).data.length;
  }
}

/** Fixed bytes of an empty block with these columns (header, directory, segment flags and offset terminators). */
export function emptyBlockSize(columnCount: number): number {
  return 8 + columnCount + (columnCount + 1) * 4 + columnCount * 5 + columnCount * 32;
}

export interface BlockHeader {
  readonly columnCount: number;
  readonly rowCount: number;
  readonly typeNames: readonly ColumnTypeName[];
}

export function readBlockHeader(block: Uint8Array): BlockHeader {
  if (block.length < 8) throw corruptBlock('truncated header');
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  if (view.getUint8(0) !== blockMagic || view.getUint8(1) !== blockVersion) throw corruptBlock('bad magic');
  const columnCount = view.getUint16(2);
  const rowCount = view.getUint16(4);
  const typeNames: ColumnTypeName[] = [];
  for (let column = 0; column < columnCount; column += 1) {
    const name = typeNamesByCode[view.getUint8(8 + column)];
    if (name === undefined) throw corruptBlock('unknown column type');
    typeNames.push(name);
  }
  return { columnCount, rowCount, typeNames };
}

interface SegmentLocation {
  readonly typeName: ColumnTypeName;
  readonly rowCount: number;
  readonly start: number;
  readonly end: number;
  readonly nullBitmap: Uint8Array | null;
  /** Start of the values (fixed-width) or of the offset table (variable-length). */
  readonly valuesStart: number;
}

function locateSegment(block: Uint8Array, column: number): SegmentLocation {
  const header = readBlockHeader(block);
  if (column < 0 || column >= header.columnCount) throw corruptBlock(`no column ${column}`);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const directory = 8 + header.columnCount;
  const start = view.getUint32(directory + column * 4);
  const end = view.getUint32(directory + (column + 1) * 4);
  if (start >= end || end > block.length) throw corruptBlock('bad segment offsets');
  const hasNull = (block[start] ?? 0) & 1;
  const bitmapBytes = hasNull ? Math.ceil(header.rowCount / 8) : 0;
  return {
    typeName: header.typeNames[column] as ColumnTypeName,
    rowCount: header.rowCount,
    start,
    end,
    nullBitmap: hasNull ? block.subarray(start + 1, start + 1 + bitmapBytes) : null,
    valuesStart: start + 1 + bitmapBytes,
  };
}

function isNullAt(bitmap: Uint8Array | null, row: number): boolean {
  return bitmap !== null && ((bitmap[row >> 3] ?? 0) & (1 << (row & 7))) !== 0;
}

/**
 * Decodes the first `rowLimit` rows (default: all) of one column. Binary results (bytea, DNA data) are copies,
 * so they stay valid when the block buffer is reused.
 */
export function decodeBlockColumn(block: Uint8Array, column: number, rowLimit?: number): ColumnValue[] {
  const segment = locateSegment(block, column);
  const rowCount = Math.min(segment.rowCount, rowLimit ?? segment.rowCount);
  const values: ColumnValue[] = new Array<ColumnValue>(rowCount);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const width = fixedValueWidth(segment.typeName);
  if (width !== 0) {
    for (let row = 0; row < rowCount; row += 1) {
      values[row] = isNullAt(segment.nullBitmap, row)
        ? null
        : readFixedValue(view, segment.valuesStart + row * width, segment.typeName);
    }
    return values;
  }
  const dataStart = segment.valuesStart + (segment.rowCount + 1) * 4;
  for (let row = 0; row < rowCount; row += 1) {
    if (isNullAt(segment.nullBitmap, row)) {
      values[row] = null;
      continue;
    }
    const from = dataStart + view.getUint32(segment.valuesStart + row * 4);
    const to = dataStart + view.getUint32(segment.valuesStart + (row + 1) * 4);
    if (to > segment.end || from > to) throw corruptBlock('bad value offsets');
    values[row] = readVariableValue(segment.typeName, block, from, to, true);
  }
  return values;
}

/** Decodes one cell without touching the other rows. */
export function decodeBlockCell(block: Uint8Array, column: number, row: number): ColumnValue {
  const segment = locateSegment(block, column);
  if (row < 0 || row >= segment.rowCount) throw corruptBlock(`no row ${row}`);
  if (isNullAt(segment.nullBitmap, row)) return null;
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const width = fixedValueWidth(segment.typeName);
  if (width !== 0) return readFixedValue(view, segment.valuesStart + row * width, segment.typeName);
  const dataStart = segment.valuesStart + (segment.rowCount + 1) * 4;
  const from = dataStart + view.getUint32(segment.valuesStart + row * 4);
  const to = dataStart + view.getUint32(segment.valuesStart + (row + 1) * 4);
  return readVariableValue(segment.typeName, block, from, to, true);
}

/**
 * A DNA column of a block without decoding: for a non-null row r, `bytes[starts[r] .. starts[r+1])` is the value
 * in the reference's binary layout (4-byte big-endian bit length, then packed bytes). `bytes` is the block
 * itself, so nothing is copied; values are only valid as long as the block buffer is.
 */
export interface RawDnaColumn {
  readonly kind: 'dna2' | 'dna4';
  readonly rowCount: number;
  /** Bit r set = row r is NULL; null when the column has no NULL in this block. */
  readonly nullBitmap: Uint8Array | null;
  /** rowCount + 1 absolute offsets into `bytes`; a NULL row has an empty range. */
  readonly starts: Uint32Array;
  readonly bytes: Uint8Array;
}

export function readRawDnaColumn(block: Uint8Array, column: number): RawDnaColumn {
  const segment = locateSegment(block, column);
  if (segment.typeName !== 'dna2' && segment.typeName !== 'dna4') {
    throw corruptBlock(`column ${column} is ${segment.typeName}, not DNA`);
  }
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const dataStart = segment.valuesStart + (segment.rowCount + 1) * 4;
  const starts = new Uint32Array(segment.rowCount + 1);
  for (let row = 0; row <= segment.rowCount; row += 1) {
    starts[row] = dataStart + view.getUint32(segment.valuesStart + row * 4);
  }
  return { kind: segment.typeName, rowCount: segment.rowCount, nullBitmap: segment.nullBitmap, starts, bytes: block };
}

/** Row r of a raw DNA column as a DnaValue viewing the block bytes (no copy), or null. */
export function rawDnaValue(column: RawDnaColumn, row: number): DnaValue | null {
  if (isNullAt(column.nullBitmap, row)) return null;
  const start = column.starts[row] ?? 0;
  const end = column.starts[row + 1] ?? 0;
  if (end - start < 4) return null;
  const bitLength =
    (((column.bytes[start] ?? 0) << 24) |
      ((column.bytes[start + 1] ?? 0) << 16) |
      ((column.bytes[start + 2] ?? 0) << 8) |
      (column.bytes[start + 3] ?? 0)) >>>
    0;
  return { kind: column.kind, bitLength, data: column.bytes.subarray(start + 4, end) };
}

// ---- tombstones: one bit per slot, 32 bytes per block ----

export const tombstoneBytes = rowsPerBlock / 8;

export function isTombstoned(bitmap: Uint8Array | undefined, slot: number): boolean {
  return bitmap !== undefined && ((bitmap[slot >> 3] ?? 0) & (1 << (slot & 7))) !== 0;
}

export function setTombstone(bitmap: Uint8Array, slot: number): void {
  bitmap[slot >> 3] = (bitmap[slot >> 3] ?? 0) | (1 << (slot & 7));
}

/** Bitwise OR of two tombstone bitmaps (either may be absent). */
export function mergeTombstones(left: Uint8Array | undefined, right: Uint8Array | undefined): Uint8Array | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  const merged = new Uint8Array(tombstoneBytes);
  for (let index = 0; index < tombstoneBytes; index += 1) merged[index] = (left[index] ?? 0) | (right[index] ?? 0);
  return merged;
}
