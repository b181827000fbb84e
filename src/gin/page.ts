/**
 * Index pages: many consecutive keys with their posting lists in one LMDB value of a few KiB (GIN's entry tree
 * packs leaf tuples the same way). One LMDB entry per key would mean hundreds of millions of tiny entries on real
 * genomes, where most keys occur in one or two rows.
 *
 *   u8  format version (1) · u8 reserved · u16 group count            (all integers big-endian)
 *   groups × [u32 key high · u32 key low · u16 offset of the group's first entry in the entry area]
 *   entries: flagged varint (key − previous key, flag = an explicit count follows) · [varint count] ·
 *            posting list (posting-list.ts)
 *
 * Entries come in groups of up to `keysPerGroup` keys; the first key of a group is stored in full in the group
 * table (its entry has delta 0), so a lookup binary-searches the group table and decodes at most one group
 * instead of the whole page. A key's list that does not fit in an empty page is split into chunks, one per page;
 * those pages are found through the directory (directory.ts).
 *
 * `maxPageBytes` fills two LMDB overflow pages exactly, so a page wastes no disk space: measured with lmdb-js 3.5,
 * n overflow pages of 4 KiB hold a value of at most 4096·n − 24 bytes (one byte more takes another page).
 */
import { postingListLength, postingsFitting, readPostingList, writePostingList } from './posting-list.js';
import {
  ByteCursor,
  flaggedVarUint64Length,
  readFlaggedVarUint64,
  readVarUint32,
  skipVarints,
  varUint32Length,
  writeFlaggedVarUint64,
  writeVarUint32,
} from './varint.js';
import { KmerSearchError, SqlState } from '../errors.js';

export const pageFormatVersion = 1;
const headerBytes = 4;
const groupBytes = 10;
export const keysPerGroup = 32;
export const maxPageBytes = 2 * 4096 - 24;
const TWO_POW_32 = 4294967296;

/** A growable list of row ids (a decoded posting list). */
export class PostingBuffer {
  rowIds: Uint32Array;
  count = 0;

  constructor(capacity = 1024) {
    this.rowIds = new Uint32Array(capacity);
  }

  ensureSpare(extra: number): Uint32Array {
    const needed = this.count + extra;
    if (needed > this.rowIds.length) {
      const grown = new Uint32Array(Math.max(needed, this.rowIds.length * 2));
      grown.set(this.rowIds.subarray(0, this.count));
      this.rowIds = grown;
    }
    return this.rowIds;
  }

  push(rowId: number): void {
    if (this.count === this.rowIds.length) this.ensureSpare(1);
    this.rowIds[this.count++] = rowId;
  }
}

/** Accumulates entries of one page. Keys must be added in ascending order. */
export class PageBuilder {
  private readonly entries = new Uint8Array(maxPageBytes);
  private entryBytes = 0;
  private readonly groupHigh = new Uint32Array(Math.ceil(maxPageBytes / 2));
  private readonly groupLow = new Uint32Array(Math.ceil(maxPageBytes / 2));
  private readonly groupOffset = new Uint16Array(Math.ceil(maxPageBytes / 2));
  private groupCount = 0;
  private entriesInGroup = 0;
  private previousHigh = 0;
  private previousLow = 0;
  /** Key of the first entry and, when that entry continues a list from the previous page, its chunk number. */
  firstHigh = 0;
  firstLow = 0;
  firstChunk = 0;
  entryCount = 0;

  get isEmpty(): boolean {
    return this.entryCount === 0;
  }

  /** Adds the whole list rowIds[from..to) for the key if it fits; false (nothing added) otherwise. */
  tryAdd(high: number, low: number, rowIds: Uint32Array, from: number, to: number, chunk: number): boolean {
    const newGroup = this.entriesInGroup === 0 || this.entriesInGroup === keysPerGroup;
    let deltaHigh = 0;
    let deltaLow = 0;
    if (!newGroup) {
      deltaLow = (low - this.previousLow) >>> 0;
      deltaHigh = (high - this.previousHigh - (low < this.previousLow ? 1 : 0)) >>> 0;
    }
    const count = to - from;
    const size =
      flaggedVarUint64Length(deltaHigh, deltaLow) +
      (count === 1 ? 0 : varUint32Length(count)) +
      postingListLength(rowIds, from, to);
    const total = headerBytes + (this.groupCount + (newGroup ? 1 : 0)) * groupBytes + this.entryBytes + size;
    if (total > maxPageBytes) return false;
    this.append(high, low, deltaHigh, deltaLow, newGroup, rowIds, from, to, chunk);
    return true;
  }

  /**
   * tryAdd for a key with a single row id — most keys of real genomes — without the general length and write
   * loops (the bulk build spends most of its page-writing time here).
   */
  tryAddSingle(high: number, low: number, rowId: number): boolean {
    const newGroup = this.entriesInGroup === 0 || this.entriesInGroup === keysPerGroup;
    let deltaHigh = 0;
    let deltaLow = 0;
    if (!newGroup) {
      deltaLow = (low - this.previousLow) >>> 0;
      deltaHigh = (high - this.previousHigh - (low < this.previousLow ? 1 : 0)) >>> 0;
    }
    const headBytes =
      deltaHigh !== 0
        ? flaggedVarUint64Length(deltaHigh, deltaLow)
        : deltaLow < 0x40
          ? 1
          : deltaLow < 0x2000
            ? 2
            : deltaLow < 0x100000
              ? 3
              : deltaLow < 0x8000000
                ? 4
                : 5;
    const rowBytes = rowId < 0x80 ? 1 : rowId < 0x4000 ? 2 : rowId < 0x200000 ? 3 : rowId < 0x10000000 ? 4 : 5;
    const total =
      headerBytes + (this.groupCount + (newGroup ? 1 : 0)) * groupBytes + this.entryBytes + headBytes + rowBytes;
    if (total > maxPageBytes) return false;
    if (this.entryCount === 0) {
      this.firstHigh = high;
      this.firstLow = low;
      this.firstChunk = 0;
    }
    if (newGroup) {
      this.groupHigh[this.groupCount] = high;
      this.groupLow[this.groupCount] = low;
      this.groupOffset[this.groupCount] = this.entryBytes;
      this.groupCount++;
      this.entriesInGroup = 0;
    }
    const entries = this.entries;
    let offset = this.entryBytes;
    if (headBytes === 1) entries[offset++] = deltaLow << 1;
    else offset = writeFlaggedVarUint64(entries, offset, deltaHigh, deltaLow, 0);
    let rest = rowId;
    while (rest >= 0x80) {
      entries[offset++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    entries[offset++] = rest;
    this.entryBytes = offset;
    this.entriesInGroup++;
    this.entryCount++;
    this.previousHigh = high;
    this.previousLow = low;
    return true;
  }

  /**
   * Adds as many postings of rowIds[from..to) as fit into this page, which must be empty (a chunk of a long list).
   * Returns how many were added (at least one).
   */
  addChunk(high: number, low: number, rowIds: Uint32Array, from: number, to: number, chunk: number): number {
    if (!this.isEmpty) throw new KmerSearchError(SqlState.internalError, 'a posting-list chunk must start a page');
    // Head: delta 0 (1 byte) and a count of at most 5 bytes.
    const budget = maxPageBytes - headerBytes - groupBytes - 1 - 5;
    const fitting = postingsFitting(rowIds, from, to, budget);
    this.append(high, low, 0, 0, true, rowIds, from, from + fitting, chunk);
    return fitting;
  }

  private append(
    high: number,
    low: number,
    deltaHigh: number,
    deltaLow: number,
    newGroup: boolean,
    rowIds: Uint32Array,
    from: number,
    to: number,
    chunk: number,
  ): void {
    if (this.entryCount === 0) {
      this.firstHigh = high;
      this.firstLow = low;
      this.firstChunk = chunk;
    }
    if (newGroup) {
      this.groupHigh[this.groupCount] = high;
      this.groupLow[this.groupCount] = low;
      this.groupOffset[this.groupCount] = this.entryBytes;
      this.groupCount++;
      this.entriesInGroup = 0;
    }
    const count = to - from;
    let offset = writeFlaggedVarUint64(this.entries, this.entryBytes, deltaHigh, deltaLow, count === 1 ? 0 : 1);
    if (count !== 1) offset = writeVarUint32(this.entries, offset, count);
    this.entryBytes = writePostingList(this.entries, offset, rowIds, from, to);
    this.entriesInGroup++;
    this.entryCount++;
    this.previousHigh = high;
    this.previousLow = low;
  }

  /** Bytes of the page as it stands (what finish would return). */
  get pageBytes(): number {
    return headerBytes + this.groupCount * groupBytes + this.entryBytes;
  }

  /** The finished page (a new array), and a reset builder. */
  finish(): Uint8Array {
    const page = new Uint8Array(this.pageBytes);
    this.finishInto(page, 0);
    return page;
  }

  /**
   * Writes the finished page into `target` from `at` on (room for `pageBytes` bytes, zero-filled) and resets the
   * builder; returns the offset after the page. Lets a worker's build lay its pages back to back in one buffer
   * instead of allocating one array per page.
   */
  finishInto(target: Uint8Array, at: number): number {
    const groupsEnd = at + headerBytes + this.groupCount * groupBytes;
    target[at] = pageFormatVersion;
    target[at + 1] = 0;
    target[at + 2] = this.groupCount >>> 8;
    target[at + 3] = this.groupCount & 0xff;
    for (let group = 0; group < this.groupCount; group++) {
      const groupAt = at + headerBytes + group * groupBytes;
      writeUint32(target, groupAt, this.groupHigh[group]!);
      writeUint32(target, groupAt + 4, this.groupLow[group]!);
      const offset = this.groupOffset[group]!;
      target[groupAt + 8] = offset >>> 8;
      target[groupAt + 9] = offset & 0xff;
    }
    target.set(this.entries.subarray(0, this.entryBytes), groupsEnd);
    const end = groupsEnd + this.entryBytes;
    this.entryBytes = 0;
    this.groupCount = 0;
    this.entriesInGroup = 0;
    this.entryCount = 0;
    return end;
  }
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** The number of groups of a page, after checking its header (PageReader.findInPage takes it). */
export function pageGroupCount(page: Uint8Array): number {
  return checkPage(page);
}

function checkPage(page: Uint8Array): number {
  if (page.length < headerBytes || page[0] !== pageFormatVersion) {
    throw new KmerSearchError(SqlState.dataCorrupted, 'index page is corrupt: bad header');
  }
  const groupCount = (page[2]! << 8) | page[3]!;
  if (headerBytes + groupCount * groupBytes > page.length) {
    throw new KmerSearchError(SqlState.dataCorrupted, 'index page is corrupt: bad group table');
  }
  return groupCount;
}

/** Decodes pages; one per thread (it keeps a cursor). */
export class PageReader {
  private readonly cursor = new ByteCursor();

  /**
   * Appends the posting list of key (high, low) in `page` to `out`; returns the number of row ids appended, or −1
   * when the page holds no entry for the key.
   */
  find(page: Uint8Array, high: number, low: number, out: PostingBuffer): number {
    const groupCount = checkPage(page);
    // Last group whose first key ≤ the key. Keys within a page are spread evenly enough that interpolating
    // between the first and last group keys lands on or next to the right group; the walk after it makes the
    // answer exact (also for wide keys, which doubles only approximate). One or two probes of the group table
    // instead of a binary search's six: the table is rarely in the CPU cache, so probes are what costs.
    if (groupCount === 0) return -1;
    const firstHigh = readUint32(page, headerBytes);
    const firstLow = readUint32(page, headerBytes + 4);
    if (high < firstHigh || (high === firstHigh && low < firstLow)) return -1;
    let group = 0;
    if (groupCount > 1) {
      const lastAt = headerBytes + (groupCount - 1) * groupBytes;
      const first = firstHigh * TWO_POW_32 + firstLow;
      const last = readUint32(page, lastAt) * TWO_POW_32 + readUint32(page, lastAt + 4);
      const target = high * TWO_POW_32 + low;
      group = target >= last ? groupCount - 1 : Math.floor(((target - first) / (last - first)) * (groupCount - 1));
    }
    return this.findFromGroup(page, groupCount, group, high, low, out);
  }

  /**
   * find for a page whose group count was read before (pageGroupCount) and whose first key `first` and an upper
   * bound `upper` of its keys (the next page's first key, or −1 when unknown) the caller knows, both as
   * high·2^32 + low doubles, the key not before `first`: the group is estimated from them, so the page's header
   * and last group are not read (each a cache miss: the pages of a search are rarely in the CPU cache).
   */
  findInPage(page: Uint8Array, groupCount: number, first: number, upper: number, high: number, low: number, out: PostingBuffer): number {
    if (groupCount === 0) return -1;
    if (!(upper > first)) return this.find(page, high, low, out);
    const group = Math.floor(((high * TWO_POW_32 + low - first) / (upper - first)) * groupCount);
    return this.findFromGroup(page, groupCount, group, high, low, out);
  }

  /** find's walk from an estimated group (any number; clamped) to the key's entry. */
  private findFromGroup(page: Uint8Array, groupCount: number, estimate: number, high: number, low: number, out: PostingBuffer): number {
    let group = estimate;
    if (!(group >= 0)) group = 0;
    if (group > groupCount - 1) group = groupCount - 1;
    if (groupCount > 1) {
      // Forward while the next group still starts at or before the key, then back while this one starts after it.
      while (group + 1 < groupCount) {
        const nextAt = headerBytes + (group + 1) * groupBytes;
        const nextHigh = readUint32(page, nextAt);
        if (nextHigh > high || (nextHigh === high && readUint32(page, nextAt + 4) > low)) break;
        group++;
      }
      while (group > 0) {
        const groupAt = headerBytes + group * groupBytes;
        const groupHigh = readUint32(page, groupAt);
        if (groupHigh < high || (groupHigh === high && readUint32(page, groupAt + 4) <= low)) break;
        group--;
      }
    }
    if (group < 0) return -1;
    const entriesStart = headerBytes + groupCount * groupBytes;
    const at = headerBytes + group * groupBytes;
    let keyHigh = readUint32(page, at);
    let keyLow = readUint32(page, at + 4);
    const start = entriesStart + ((page[at + 8]! << 8) | page[at + 9]!);
    const end =
      group + 1 < groupCount
        ? entriesStart + ((page[at + groupBytes + 8]! << 8) | page[at + groupBytes + 9]!)
        : page.length;
    if (keyHigh === high) return this.findBelow(page, start, end, low - keyLow, out);
    const cursor = this.cursor;
    cursor.reset(page, start);
    while (cursor.position < end) {
      const deltaLow = readFlaggedVarUint64(cursor);
      const deltaHigh = cursor.high;
      const explicitCount = cursor.flag;
      let sumLow = keyLow + deltaLow;
      let carry = 0;
      if (sumLow >= TWO_POW_32) {
        sumLow -= TWO_POW_32;
        carry = 1;
      }
      keyLow = sumLow;
      keyHigh = (keyHigh + deltaHigh + carry) >>> 0;
      const count = explicitCount ? readVarUint32(cursor) : 1;
      if (keyHigh === high && keyLow === low) {
        const rowIds = out.ensureSpare(count);
        readPostingList(cursor, count, rowIds, out.count);
        out.count += count;
        return count;
      }
      if (keyHigh > high || (keyHigh === high && keyLow > low)) return -1;
      cursor.position = skipVarints(page, cursor.position, count);
    }
    return -1;
  }

  /**
   * find's walk through a group whose first key has the key's high half, the usual case: the key is `remaining`
   * (< 2^32) past the group's first key, and each entry's delta is subtracted until the key is reached (found) or
   * passed (absent). Varints are read in place, without the cursor (measured: about 5 % less CPU per search).
   */
  private findBelow(page: Uint8Array, start: number, end: number, remaining: number, out: PostingBuffer): number {
    let position = start;
    while (position < end) {
      let byte = page[position++]!;
      const explicitCount = byte & 1;
      let delta = (byte >>> 1) & 0x3f;
      if (byte >= 0x80) {
        // A delta of 2^32 or more (the key's high half passed) is a double beyond `remaining`: exact enough.
        let scale = 64;
        do {
          byte = page[position++]!;
          delta += (byte & 0x7f) * scale;
          scale *= 128;
        } while (byte >= 0x80 && position < end);
      }
      if (delta > remaining) return -1;
      remaining -= delta;
      let count = 1;
      if (explicitCount !== 0) {
        byte = page[position++]!;
        count = byte & 0x7f;
        let shift = 7;
        while (byte >= 0x80) {
          byte = page[position++]!;
          count |= (byte & 0x7f) << shift;
          shift += 7;
        }
        count >>>= 0;
      }
      if (remaining === 0) {
        const rowIds = out.ensureSpare(count);
        const cursor = this.cursor;
        cursor.reset(page, position);
        readPostingList(cursor, count, rowIds, out.count);
        out.count += count;
        return count;
      }
      for (let left = count; left > 0 && position < end; position++) if (page[position]! < 0x80) left--;
    }
    return -1;
  }

  /**
   * Every posting of the page in order: appends to the three arrays from `offset` and returns the new end.
   * The arrays need room for page.length postings (each takes at least one byte).
   */
  decodeAll(page: Uint8Array, high: Uint32Array, low: Uint32Array, rowIds: Uint32Array, offset: number): number {
    const groupCount = checkPage(page);
    const entriesStart = headerBytes + groupCount * groupBytes;
    const cursor = this.cursor;
    cursor.reset(page, entriesStart);
    let group = 0;
    let keyHigh = 0;
    let keyLow = 0;
    let end = offset;
    while (cursor.position < page.length) {
      if (group < groupCount) {
        const at = headerBytes + group * groupBytes;
        if (cursor.position === entriesStart + ((page[at + 8]! << 8) | page[at + 9]!)) {
          keyHigh = readUint32(page, at);
          keyLow = readUint32(page, at + 4);
          group++;
        }
      }
      const deltaLow = readFlaggedVarUint64(cursor);
      const deltaHigh = cursor.high;
      const explicitCount = cursor.flag;
      let sumLow = keyLow + deltaLow;
      let carry = 0;
      if (sumLow >= TWO_POW_32) {
        sumLow -= TWO_POW_32;
        carry = 1;
      }
      keyLow = sumLow;
      keyHigh = (keyHigh + deltaHigh + carry) >>> 0;
      const count = explicitCount ? readVarUint32(cursor) : 1;
      readPostingList(cursor, count, rowIds, end);
      for (let index = 0; index < count; index++) {
        high[end + index] = keyHigh;
        low[end + index] = keyLow;
      }
      end += count;
    }
    return end;
  }
}
