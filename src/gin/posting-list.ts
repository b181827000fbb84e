/**
 * Posting-list codec: the row ids of one key, ascending and distinct, as the first id followed by the gaps to the
 * next, each a varint. Real genomes put most keys in one or two rows, so a list is usually 2–3 bytes; long lists
 * (repeats, high-frequency k-mers) are split into chunks that each start with an absolute id, so every chunk
 * decodes on its own and a page never has to hold a whole long list.
 */
import { ByteCursor, readVarUint32, varUint32Length, writeVarUint32 } from './varint.js';

/** Bytes of rowIds[from..to) as a posting list (without a count). */
export function postingListLength(rowIds: Uint32Array, from: number, to: number): number {
  if (from >= to) return 0;
  let length = varUint32Length(rowIds[from]!);
  for (let index = from + 1; index < to; index++) length += varUint32Length(rowIds[index]! - rowIds[index - 1]!);
  return length;
}

/** Writes rowIds[from..to) at `offset`; returns the offset after it. */
export function writePostingList(bytes: Uint8Array, offset: number, rowIds: Uint32Array, from: number, to: number): number {
  if (from >= to) return offset;
  let previous = rowIds[from]!;
  offset = writeVarUint32(bytes, offset, previous);
  for (let index = from + 1; index < to; index++) {
    const rowId = rowIds[index]!;
    offset = writeVarUint32(bytes, offset, rowId - previous);
    previous = rowId;
  }
  return offset;
}

/** Reads `count` row ids into out[outOffset…]. */
export function readPostingList(cursor: ByteCursor, count: number, out: Uint32Array, outOffset: number): void {
  let rowId = 0;
  for (let index = 0; index < count; index++) {
    rowId = index === 0 ? readVarUint32(cursor) : rowId + readVarUint32(cursor);
    out[outOffset + index] = rowId;
  }
}

/**
 * How many row ids from `from` (at most to − from) fit in `budget` bytes as one chunk (the first id absolute).
 * Zero when not even the first fits.
 */
export function postingsFitting(rowIds: Uint32Array, from: number, to: number, budget: number): number {
  if (from >= to) return 0;
  let used = varUint32Length(rowIds[from]!);
  if (used > budget) return 0;
  let index = from + 1;
  for (; index < to; index++) {
    const next = used + varUint32Length(rowIds[index]! - rowIds[index - 1]!);
    if (next > budget) break;
    used = next;
  }
  return index - from;
}

/**
 * A stand-alone posting list: the count, then the ids. For callers outside the page format (and tests); pages
 * keep the count in the entry head instead.
 */
export function encodePostingList(rowIds: Uint32Array, count = rowIds.length): Uint8Array {
  const bytes = new Uint8Array(varUint32Length(count) + postingListLength(rowIds, 0, count));
  writePostingList(bytes, writeVarUint32(bytes, 0, count), rowIds, 0, count);
  return bytes;
}

export function decodePostingList(bytes: Uint8Array): Uint32Array {
  const cursor = new ByteCursor(bytes, 0);
  const count = readVarUint32(cursor);
  const rowIds = new Uint32Array(count);
  readPostingList(cursor, count, rowIds, 0);
  return rowIds;
}

/**
 * Splits a long list into chunks of at most `maxChunkBytes` each (every chunk starting with an absolute id), as
 * pages do. Returns the chunk boundaries: chunk i is rowIds[bounds[i]..bounds[i+1]).
 */
export function postingListChunks(rowIds: Uint32Array, count: number, maxChunkBytes: number): number[] {
  const bounds = [0];
  let from = 0;
  while (from < count) {
    const fitting = postingsFitting(rowIds, from, count, maxChunkBytes);
    if (fitting === 0) throw new RangeError(`a chunk of ${maxChunkBytes} bytes cannot hold one row id`);
    from += fitting;
    bounds.push(from);
  }
  return bounds;
}
