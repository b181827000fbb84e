/**
 * Occurrence numbering of a long input (KeyExtractor hands over inputs of more than about a million k-mer
 * values): exactly the keys of the one-table pass, in a fraction of its memory.
 *
 * The one-table pass keeps every distinct k-mer value in an open-addressing table of at least two slots per
 * value: 20–27 bytes per base of a long sequence on top of the values and the keys, and a table that large misses
 * the cache and the TLB on almost every window. Here the values are split into 2^p partitions by the top bits of
 * a hash, with a counting sort that copies them into partition order (each partition's values stay in window
 * order). Each partition is numbered with a table sized for that partition alone, cleared for the next one by a
 * generation word, and its occurrence numbers overwrite the copy. All windows of one k-mer value fall into the
 * same partition, so the c-th occurrence counted there is its c-th occurrence in the input. A last pass in window
 * order finds each window's partition again and takes that partition's next occurrence number. Every pass reads
 * and writes sequentially or in at most 2^p streams, so a chromosome no longer costs a cache miss per window.
 */

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
    const words = this.words;
    const generation = this.generation;
    let slot = slotHash(low, high) >>> this.shift;
    for (;;) {
      const at = slot << 2;
      if (words[at + 2] !== generation) {
        if (this.entries >= this.growAt) {
          this.grow();
          return this.count(low, high, limit);
        }
        words[at] = low;
        words[at + 1] = high;
        words[at + 2] = generation;
        words[at + 3] = 1;
        this.entries++;
        return 1;
      }
      if (words[at] === low && words[at + 1] === high) {
        const occurrence = words[at + 3]! + 1;
        if (occurrence <= limit) words[at + 3] = occurrence;
        return occurrence;
      }
      slot = (slot + 1) & this.slotMask;
    }
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

/** What the numbering needs: the k-mer values in window order and the layout. */
export interface PartitionedNumberingInput {
  readonly count: number;
  readonly kmerSize: number;
  readonly occurrenceBits: number;
  /** Target partition size; tests make it tiny so that short inputs are split too. */
  readonly valuesPerPartition: number;
  /** Low halves of the values (the whole value when k ≤ 16). */
  readonly low: Uint32Array;
  /** High halves when k > 16; null when k ≤ 16 (all zero). */
  readonly high: Uint32Array | null;
  /** Scratch of `count` entries each (the second null when `high` is): the values in partition order. */
  readonly partitionedLow: Uint32Array;
  readonly partitionedHigh: Uint32Array | null;
}

/**
 * The table size a partition starts with: room for its values, but no more than 4^k distinct ones can occur, and
 * a partition far above the target size owes its size to repeats of a few values (the hash spreads distinct
 * values evenly), so it starts at twice the target and the table grows if that was wrong.
 */
function expectedDistinct(size: number, input: PartitionedNumberingInput): number {
  return Math.min(size, 4 ** input.kmerSize, 2 * input.valuesPerPartition);
}

/** Window order → partition order, and the occurrence numbers (capped at 2^b + 1) in partition order. */
interface PartitionedOccurrences {
  readonly shift: number;
  /** `starts[p]`: index of partition p's first value in `occurrences`. */
  readonly starts: Uint32Array;
  readonly occurrences: Uint32Array;
  readonly limit: number;
}

function occurrencesByPartition(input: PartitionedNumberingInput): PartitionedOccurrences {
  const { count, low, high, partitionedLow, partitionedHigh } = input;
  const partitionBits = partitionBitsFor(count, input.valuesPerPartition);
  const shift = 32 - partitionBits;
  const starts = new Uint32Array((1 << partitionBits) + 1);
  for (let i = 0; i < count; i++) {
    const partition = partitionHash(low[i]!, high === null ? 0 : high[i]!) >>> shift;
    starts[partition + 1] = starts[partition + 1]! + 1;
  }
  for (let partition = 1; partition < starts.length; partition++) starts[partition] = starts[partition - 1]! + starts[partition]!;
  // The copy in partition order; its low halves are then overwritten by the occurrence numbers.
  const next = starts.slice(0, -1);
  for (let i = 0; i < count; i++) {
    const valueHigh = high === null ? 0 : high[i]!;
    const partition = partitionHash(low[i]!, valueHigh) >>> shift;
    const at = next[partition]!;
    next[partition] = at + 1;
    partitionedLow[at] = low[i]!;
    if (partitionedHigh !== null) partitionedHigh[at] = valueHigh;
  }
  const limit = occurrenceLimit(input.occurrenceBits);
  const table = new PartitionTable();
  for (let partition = 0; partition + 1 < starts.length; partition++) {
    const start = starts[partition]!;
    const end = starts[partition + 1]!;
    table.begin(expectedDistinct(end - start, input));
    for (let j = start; j < end; j++) {
      partitionedLow[j] = table.count(partitionedLow[j]!, partitionedHigh === null ? 0 : partitionedHigh[j]!, limit);
    }
  }
  return { shift, starts, occurrences: partitionedLow, limit };
}

/**
 * Narrow keys (T ≤ 53) into `keys`, in window order without the occurrences beyond 2^b; returns their count.
 * `keys` may share memory with `low` as long as key j covers no value after j (KeyExtractor puts the low halves
 * in the upper half of the keys' buffer): each value is read before its key, or an earlier one's, is written.
 */
export function numberNarrowKeys(input: PartitionedNumberingInput, keys: Float64Array): number {
  const { count, low, high } = input;
  const { shift, starts, occurrences, limit } = occurrencesByPartition(input);
  const scale = 1 << input.occurrenceBits; // not `2 ** b` (see the one-table pass)
  const next = starts.slice(0, -1);
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const valueLow = low[i]!;
    const valueHigh = high === null ? 0 : high[i]!;
    const partition = partitionHash(valueLow, valueHigh) >>> shift;
    const at = next[partition]!;
    next[partition] = at + 1;
    const occurrence = occurrences[at]!;
    // T ≤ 53 here, so the product and sum are exact doubles.
    if (occurrence <= limit) keys[kept++] = (valueHigh * TWO_POW_32 + valueLow) * scale + (occurrence - 1);
  }
  return kept;
}

/**
 * Wide keys (T > 53): the keys' halves replace the values' halves in `high` and `low` (in window order, without
 * the occurrences beyond 2^b; key j is written after value j is read). Returns the key count.
 */
export function numberWideKeys(input: PartitionedNumberingInput & { readonly high: Uint32Array }): number {
  const { count, low, high, occurrenceBits } = input;
  const { shift, starts, occurrences, limit } = occurrencesByPartition(input);
  // `x >>> 32` is `x` in JS, so b = 0 must not shift the low half's top bits into the high half.
  const carryShift = occurrenceBits === 0 ? 0 : 32 - occurrenceBits;
  const next = starts.slice(0, -1);
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const valueLow = low[i]!;
    const valueHigh = high[i]!;
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
  return kept;
}
