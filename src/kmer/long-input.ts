/**
 * Keys of a long input (KeyExtractor hands over inputs of more than about a million windows: a chromosome stored
 * as one row, a long query): exactly the keys of the one-table pass, in the same order, in a fraction of its
 * memory and time.
 *
 * The one-table pass keeps every k-mer value (4–8 bytes), every key (8 bytes) and every distinct value in an
 * open-addressing table of at least two slots per value: 33–70 bytes per base of a long sequence, and a table that
 * large misses the cache and the TLB on almost every window. Here the values are split into 2^p partitions by the
 * top bits of a hash, and a counting sort copies them into partition order (each partition's values stay in
 * window order). Each partition is numbered with a table sized for that partition alone, cleared for the next one
 * by a generation word, and its occurrence numbers overwrite the copy. All windows of one k-mer value fall into the
 * same partition, so the c-th occurrence counted there is its c-th occurrence in the input. A last pass in window
 * order finds each window's partition again and takes that partition's next occurrence number.
 *
 * Only the copy in partition order spans the input (4 bytes per value for k ≤ 16, 8 beyond): the values in window
 * order are rolled again from the input, chunk by chunk, in each of the three passes that need them (rolling is a
 * small part of the cost), and the keys come out chunk by chunk, for a caller that consumes them as they come or
 * collects them. Every pass reads and writes sequentially or in at most 2^p streams.
 *
 * A caller that only counts the input's keys in a short query (`=%` of a read on a chromosome) needs no numbering
 * of the input at all: countSharedByQueryValues counts only the occurrences of the query's own k-mer values.
 */

import type { KeySet } from './key-set.js';
import type { KeyLayout, KeyList, SortedKeys } from './keys.js';

const TWO_POW_32 = 4294967296;
/** The partition hash: the one-table pass's hash (Fibonacci hashing, high half mixed into the low one). */
const HASH_MULTIPLIER = 0x9e3779b1;
const HIGH_HALF_MIXER = 0x85ebca6b;
/** Most partition bits: 4,096 partitions keep ~60,000 values each up to 250 M values (a whole chromosome). */
const MAX_PARTITION_BITS = 12;

/** Most occurrences kept per value: the c-th occurrence is kept when c ≤ 2^b (b > 0) or c = 1 (b = 0). */
function occurrenceLimit(occurrenceBits: number): number {
  return occurrenceBits === 0 ? 1 : 1 << occurrenceBits;
}

function partitionHash(low: number, high: number): number {
  return Math.imul(low ^ Math.imul(high, HIGH_HALF_MIXER), HASH_MULTIPLIER);
}

/**
 * The slot hash, independent of the partition hash: within a partition the partition hash's top bits are all
 * equal, so the slots take theirs from another function (murmur3-style multiply and xor-shift).
 */
function slotHash(low: number, high: number): number {
  let hash = Math.imul(low, 0xcc9e2d51) ^ Math.imul(high, 0x1b873593);
  hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
  return hash ^ (hash >>> 13);
}

/** log2 of the partition count: about `valuesPerPartition` values each, at least 2 partitions. */
function partitionBitsFor(valueCount: number, valuesPerPartition: number): number {
  let bits = 1;
  while (bits < MAX_PARTITION_BITS && valueCount > valuesPerPartition * 2 ** bits) bits++;
  return bits;
}

/**
 * Open addressing over [low, high, generation, count] slots. `begin` starts a partition: a slot whose generation
 * word is not the current one is empty, so nothing is cleared. The table doubles (re-inserting the current
 * partition's entries) when more than half full, so no bound on distinct values is needed in advance.
 */
class PartitionTable {
  private words = new Uint32Array(0);
  private shift = 32;
  private slotMask = 0;
  private generation = 0;
  private entries = 0;
  private growAt = 0;

  /** Starts a partition that will hold at most about `expectedDistinct` distinct values. */
  begin(expectedDistinct: number): void {
    let slotBits = 4;
    while (2 ** slotBits < expectedDistinct * 2) slotBits++;
    if (this.words.length < 4 * 2 ** slotBits) {
      this.allocate(slotBits);
    } else {
      // A larger table left by an earlier partition is kept whole (stale generations read as empty).
      this.generation++;
    }
    this.entries = 0;
  }

  /** The occurrence number (1-based) of (low, high), counting this one; it stops growing at limit + 1. */
  count(low: number, high: number, limit: number): number {
    const at = this.slotOf(low, high);
    const words = this.words;
    if (words[at + 2] !== this.generation) {
      this.insertAt(at, low, high, 1);
      return 1;
    }
    const occurrence = words[at + 3]! + 1;
    if (occurrence <= limit) words[at + 3] = occurrence;
    return occurrence;
  }

  /** Adds (low, high) with no occurrence counted yet, unless it is there. */
  insert(low: number, high: number): void {
    const at = this.slotOf(low, high);
    if (this.words[at + 2] !== this.generation) this.insertAt(at, low, high, 0);
  }

  /** As count, for an inserted value; 0 for any other (which is not added). */
  countIfInserted(low: number, high: number, limit: number): number {
    const at = this.slotOf(low, high);
    const words = this.words;
    if (words[at + 2] !== this.generation) return 0;
    const occurrence = words[at + 3]! + 1;
    if (occurrence <= limit) words[at + 3] = occurrence;
    return occurrence;
  }

  /** Word offset of the slot holding (low, high), or of the empty slot where it would go. */
  private slotOf(low: number, high: number): number {
    const words = this.words;
    const generation = this.generation;
    let slot = slotHash(low, high) >>> this.shift;
    for (;;) {
      const at = slot << 2;
      if (words[at + 2] !== generation || (words[at] === low && words[at + 1] === high)) return at;
      slot = (slot + 1) & this.slotMask;
    }
  }

  /** Fills the empty slot `at` (growing first when half full: the slot then moves). */
  private insertAt(at: number, low: number, high: number, count: number): void {
    if (this.entries >= this.growAt) {
      this.grow();
      at = this.slotOf(low, high);
    }
    const words = this.words;
    words[at] = low;
    words[at + 1] = high;
    words[at + 2] = this.generation;
    words[at + 3] = count;
    this.entries++;
  }

  private allocate(slotBits: number): void {
    this.words = new Uint32Array(4 * 2 ** slotBits);
    this.shift = 32 - slotBits;
    this.slotMask = 2 ** slotBits - 1;
    this.growAt = 2 ** (slotBits - 1);
    this.generation = 1;
  }

  private grow(): void {
    const old = this.words;
    const generation = this.generation;
    this.allocate(33 - this.shift);
    const words = this.words;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 2] !== generation) continue;
      const low = old[at]!;
      const high = old[at + 1]!;
      let slot = slotHash(low, high) >>> this.shift;
      while (words[(slot << 2) + 2] === 1) slot = (slot + 1) & this.slotMask;
      const to = slot << 2;
      words[to] = low;
      words[to + 1] = high;
      words[to + 2] = 1;
      words[to + 3] = old[at + 3]!;
    }
  }
}

/** Rolls windows [firstWindow, endWindow) into `low` (and `high` when k > 16); returns the values written. */
export type WindowRoller = (firstWindow: number, endWindow: number, low: Uint32Array, high: Uint32Array) => number;

export interface LongInput {
  readonly layout: KeyLayout;
  readonly windowCount: number;
  /** Most values one window yields: 1 for DNA2, 3 for IUPAC masks (one 3-way ambiguity code). */
  readonly valuesPerWindow: number;
  readonly roll: WindowRoller;
}

/** When an input takes this path, and the sizes it works in (tests make them tiny). */
export interface LongInputTuning {
  /** Inputs of more windows than this take the long-input path. */
  readonly minWindows: number;
  /** Target number of values per partition. */
  readonly valuesPerPartition: number;
  /** Windows rolled at a time: a multiple of 4, so that a chunk of DNA2 starts on a byte. */
  readonly chunkWindows: number;
}

/** The copy in partition order: `count` low halves, and high halves when k > 16. */
export type PartitionScratch = (half: 'low' | 'high', count: number) => Uint32Array;

const NO_WORDS = new Uint32Array(0);

/** The k-mer values of a long input, numbered; `forEachChunk` hands out the keys. */
export class LongInputKeys {
  /** Values of all windows (before dropping occurrences beyond 2^b). */
  readonly valueCount: number;
  private readonly hasHigh: boolean;
  private readonly shift: number;
  /** `starts[p]`: index of partition p's first value in `occurrences`. */
  private readonly starts: Uint32Array;
  /** Occurrence numbers (capped at 2^b + 1) in partition order. */
  private readonly occurrences: Uint32Array;
  private readonly limit: number;
  private readonly chunkLow: Uint32Array;
  private readonly chunkHigh: Uint32Array;
  private readonly chunkKeys: Float64Array;

  constructor(
    private readonly input: LongInput,
    private readonly tuning: LongInputTuning,
    scratch: PartitionScratch,
  ) {
    const { layout, windowCount } = input;
    this.hasHigh = layout.kmerSize > 16;
    const chunkValues = tuning.chunkWindows * input.valuesPerWindow;
    this.chunkLow = new Uint32Array(chunkValues);
    this.chunkHigh = this.hasHigh ? new Uint32Array(chunkValues) : NO_WORDS;
    this.chunkKeys = layout.wide ? new Float64Array(0) : new Float64Array(chunkValues);
    const partitionBits = partitionBitsFor(windowCount, tuning.valuesPerPartition);
    const shift = (this.shift = 32 - partitionBits);
    const starts = (this.starts = new Uint32Array((1 << partitionBits) + 1));
    const hasHigh = this.hasHigh;

    let valueCount = 0;
    this.forEachValueChunk((count, low, high) => {
      for (let j = 0; j < count; j++) {
        const partition = partitionHash(low[j]!, hasHigh ? high[j]! : 0) >>> shift;
        starts[partition + 1] = starts[partition + 1]! + 1;
      }
      valueCount += count;
    });
    this.valueCount = valueCount;
    for (let partition = 1; partition < starts.length; partition++) starts[partition] = starts[partition - 1]! + starts[partition]!;

    const partitionedLow = scratch('low', valueCount);
    const partitionedHigh = hasHigh ? scratch('high', valueCount) : NO_WORDS;
    const next = starts.slice(0, -1);
    this.forEachValueChunk((count, low, high) => {
      for (let j = 0; j < count; j++) {
        const valueHigh = hasHigh ? high[j]! : 0;
        const partition = partitionHash(low[j]!, valueHigh) >>> shift;
        const at = next[partition]!;
        next[partition] = at + 1;
        partitionedLow[at] = low[j]!;
        if (hasHigh) partitionedHigh[at] = valueHigh;
      }
    });

    const limit = (this.limit = occurrenceLimit(layout.occurrenceBits));
    const table = new PartitionTable();
    for (let partition = 0; partition + 1 < starts.length; partition++) {
      const start = starts[partition]!;
      const end = starts[partition + 1]!;
      table.begin(Math.min(end - start, 4 ** layout.kmerSize, 2 * tuning.valuesPerPartition));
      for (let j = start; j < end; j++) {
        partitionedLow[j] = table.count(partitionedLow[j]!, hasHigh ? partitionedHigh[j]! : 0, limit);
      }
    }
    this.occurrences = partitionedLow;
  }

  /**
   * Hands the keys to `consume` in window order, a chunk at a time, without the occurrences beyond 2^b. Each
   * chunk is a view of buffers reused for the next one: valid during the call only.
   */
  forEachChunk(consume: (keys: KeyList) => void): void {
    const { layout } = this.input;
    const { shift, occurrences, limit, hasHigh, chunkKeys } = this;
    const occurrenceBits = layout.occurrenceBits;
    const scale = 1 << occurrenceBits; // not `2 ** b` (see the one-table pass)
    // `x >>> 32` is `x` in JS, so b = 0 must not shift the low half's top bits into the high half.
    const carryShift = occurrenceBits === 0 ? 0 : 32 - occurrenceBits;
    const next = this.starts.slice(0, -1);
    this.forEachValueChunk((count, low, high) => {
      let kept = 0;
      if (!layout.wide) {
        for (let j = 0; j < count; j++) {
          const valueLow = low[j]!;
          const valueHigh = hasHigh ? high[j]! : 0;
          const partition = partitionHash(valueLow, valueHigh) >>> shift;
          const at = next[partition]!;
          next[partition] = at + 1;
          const occurrence = occurrences[at]!;
          // T ≤ 53 here, so the product and sum are exact doubles.
          if (occurrence <= limit) chunkKeys[kept++] = (valueHigh * TWO_POW_32 + valueLow) * scale + (occurrence - 1);
        }
        if (kept > 0) consume({ layout, wide: false, count: kept, values: chunkKeys });
        return;
      }
      // Wide: the keys' halves replace the values' halves (key `kept` is written after value j ≥ kept is read).
      for (let j = 0; j < count; j++) {
        const valueLow = low[j]!;
        const valueHigh = high[j]!;
        const partition = partitionHash(valueLow, valueHigh) >>> shift;
        const at = next[partition]!;
        next[partition] = at + 1;
        const occurrence = occurrences[at]!;
        if (occurrence > limit) continue;
        if (occurrenceBits === 0) {
          high[kept] = valueHigh;
          low[kept++] = valueLow;
        } else {
          high[kept] = (valueHigh << occurrenceBits) | (valueLow >>> carryShift);
          low[kept++] = (valueLow << occurrenceBits) | (occurrence - 1);
        }
      }
      if (kept > 0) consume({ layout, wide: true, count: kept, high, low });
    });
  }

  private forEachValueChunk(visit: (count: number, low: Uint32Array, high: Uint32Array) => void): void {
    rollInChunks(this.input, this.tuning.chunkWindows, this.chunkLow, this.chunkHigh, visit);
  }
}

/** Rolls the input chunk by chunk into `low`/`high` (room for a chunk's values each) and visits each chunk. */
function rollInChunks(
  input: LongInput,
  chunkWindows: number,
  low: Uint32Array,
  high: Uint32Array,
  visit: (count: number, low: Uint32Array, high: Uint32Array) => void,
): void {
  const { windowCount, roll } = input;
  for (let first = 0; first < windowCount; first += chunkWindows) {
    visit(roll(first, Math.min(windowCount, first + chunkWindows), low, high), low, high);
  }
}

/**
 * |keys(input) ∩ Q| without numbering the input: a key of the input is (v, c − 1) for the c-th occurrence of the
 * k-mer value v, and it can be in Q only if v is one of Q's values. So only those values' occurrences are
 * counted, in window order, in a table of Q's distinct values, and each c-th occurrence is looked up in Q: memory
 * of Q's size whatever the input's length (`=%` and kmersearch_matchscore of a short query on a chromosome).
 */
export function countSharedByQueryValues(input: LongInput, chunkWindows: number, queryKeys: SortedKeys, query: KeySet): number {
  const { layout } = input;
  const occurrenceBits = layout.occurrenceBits;
  const limit = occurrenceLimit(occurrenceBits);
  const scale = 1 << occurrenceBits; // not `2 ** b` (see the one-table pass)
  const table = new PartitionTable();
  table.begin(queryKeys.count);
  if (queryKeys.wide) {
    for (let i = 0; i < queryKeys.count; i++) {
      const keyHigh = queryKeys.high[i]!;
      const keyLow = queryKeys.low[i]!;
      // `x << 32` is `x` in JS: with b = 0 the key is the value.
      if (occurrenceBits === 0) table.insert(keyLow, keyHigh);
      else table.insert(((keyLow >>> occurrenceBits) | (keyHigh << (32 - occurrenceBits))) >>> 0, keyHigh >>> occurrenceBits);
    }
  } else {
    for (let i = 0; i < queryKeys.count; i++) {
      const value = Math.floor(queryKeys.values[i]! / scale);
      table.insert(value >>> 0, (value / TWO_POW_32) >>> 0);
    }
  }
  const hasHigh = layout.kmerSize > 16;
  const chunkValues = chunkWindows * input.valuesPerWindow;
  const carryShift = occurrenceBits === 0 ? 0 : 32 - occurrenceBits;
  let shared = 0;
  rollInChunks(input, chunkWindows, new Uint32Array(chunkValues), hasHigh ? new Uint32Array(chunkValues) : NO_WORDS, (count, low, high) => {
    for (let j = 0; j < count; j++) {
      const valueLow = low[j]!;
      const valueHigh = hasHigh ? high[j]! : 0;
      const occurrence = table.countIfInserted(valueLow, valueHigh, limit);
      if (occurrence === 0 || occurrence > limit) continue;
      if (!layout.wide) {
        // T ≤ 53 here, so the product and sum are exact doubles.
        if (query.hasNarrow((valueHigh * TWO_POW_32 + valueLow) * scale + (occurrence - 1))) shared++;
      } else if (occurrenceBits === 0) {
        if (query.hasWide(valueHigh, valueLow)) shared++;
      } else if (
        query.hasWide(((valueHigh << occurrenceBits) | (valueLow >>> carryShift)) >>> 0, ((valueLow << occurrenceBits) | (occurrence - 1)) >>> 0)
      ) {
        shared++;
      }
    }
  });
  return shared;
}
