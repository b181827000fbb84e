/**
 * Key extraction (reference core §2.2–2.3) in two passes over reusable buffers:
 *
 * 1. windows → k-mer values: a rolling 2-bit value over the packed DNA2 bytes, or over 4-bit IUPAC masks (DNA4
 *    and query text) with the positions of the last N and the last two ambiguity codes tracked so that a window's
 *    fate (skip, one value, 2–3 expansions) is known without rescanning it. Values are two uint32 halves
 *    (`kmerHigh` only used when k > 16), so no BigInt and no allocation per k-mer.
 * 2. occurrence numbering → keys: an open-addressing table keyed by the k-mer value holds its count so far. Each
 *    slot carries the generation of the extraction that wrote it, so a new extraction starts with a logically
 *    empty table without clearing it.
 *
 * Splitting the passes keeps each loop small and monomorphic, and lets DNA2, DNA4 and text share pass 2.
 *
 * Inputs of more than LongInputTuning.minWindows windows (a chromosome stored as one row, a long query) take the
 * long-input path instead (long-input.ts): the same keys in the same order, numbered partition by partition with
 * small tables, with 4–8 bytes per value at peak besides the keys (or nothing else at all when the caller takes
 * them chunk by chunk, extractStoredInChunks), instead of 33–70 bytes per value. Its buffers are held only weakly
 * (see LongBuffer).
 */
import type { DnaValue } from '../dna/types.js';
import {
  BaseKind,
  CODE_OF_MASK,
  KIND_OF_MASK,
  MASK_OF_QUERY_CHAR,
  MEMBER_CODES_OF_MASK,
  MEMBER_COUNT_OF_MASK,
} from './alphabet.js';
import { keySetOf } from './key-set.js';
import type { KeyLayout, KeyList, SortedKeys } from './keys.js';
import { queryTooShortError } from './layout.js';
import { countSharedByQueryValues, LongInputKeys, type LongInput, type LongInputTuning } from './long-input.js';
import { invalidQueryCharacterError, utf8ByteLength } from './query-text.js';

/** 2^32 as a double, to join uint32 halves exactly. */
const TWO_POW_32 = 4294967296;
/** Fibonacci hashing multiplier (2^32 / golden ratio). */
const HASH_MULTIPLIER = 0x9e3779b1;
/** Mixes the high half of a k-mer value into the low one before the multiplicative hash. */
const HIGH_HALF_MIXER = 0x85ebca6b;

/**
 * A table slot's stamp word is `generation << COUNT_BITS | count`. The count never exceeds 2^16 (occurrences
 * beyond 2^b are dropped, b ≤ 16), so 17 bits hold it and 15 bits remain for the generation.
 */
const COUNT_BITS = 17;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
const MAX_GENERATION = (1 << (32 - COUNT_BITS)) - 1;

/** Slot stride in uint32 words: [value, stamp] when k ≤ 16, [low, high, stamp, unused] otherwise. */
const SMALL_STRIDE = 2;
const LARGE_STRIDE = 4;

/** The largest k whose 2k-bit value fits one uint32. */
const MAX_SMALL_KMER_SIZE = 16;

/**
 * Up to 2^20 windows the reused buffers cost at most ~40 MB per extractor and the one-table pass is fast (its
 * table is no larger than a few caches); beyond, the long-input path wins in memory and in time. Partitions of
 * 2^16 values keep each table (2^17 slots of 16 bytes) near a core's L2 cache; chunks of 2^14 windows keep the
 * chunk buffers in it.
 */
export const DEFAULT_LONG_INPUT_TUNING: LongInputTuning = Object.freeze({
  minWindows: 1 << 20,
  valuesPerPartition: 1 << 16,
  chunkWindows: 1 << 14,
});

/**
 * Tests set `current` to make every extractor of this thread that was not given its own tuning take the
 * long-input path on short inputs (an SQL test then runs the build, the scans and the searches through it).
 */
export const longInputTestHooks: { current: LongInputTuning | undefined } = { current: undefined };

function checkTuning(tuning: LongInputTuning): LongInputTuning {
  if (!(tuning.chunkWindows >= 4 && tuning.chunkWindows % 4 === 0)) {
    throw new RangeError(`chunkWindows must be a positive multiple of 4, not ${tuning.chunkWindows}`);
  }
  return tuning;
}

/**
 * The long-input path's buffers. The extractor holds them through WeakRefs: the next long input reuses them if
 * the garbage collector has not taken them yet (two extractions of one long row in a row, as `=%` and
 * `kmersearch_matchscore` of one scan do, then cost one set of buffers, not two), but they never stay alive
 * because of the extractor alone, so a long row does not leave hundreds of megabytes behind in a connection.
 */
const LongBuffer = {
  /** The keys of a result: narrow keys, or the high halves of wide ones. */
  keys: 0,
  /** The low halves of a wide result's keys. */
  keysLow: 1,
  /** The values in partition order (long-input.ts), then their occurrence numbers. */
  partitionedLow: 2,
  partitionedHigh: 3,
} as const;
type LongBuffer = (typeof LongBuffer)[keyof typeof LongBuffer];

/**
 * Extracts keys into buffers it owns and reuses. The KeyList returned by each call is a view of those buffers:
 * valid until the next call on the same extractor. Not shareable between concurrent users (one per worker).
 */
export class KeyExtractor {
  /** Pass 1 output: k-mer values in window order, expansions in A, C, G, T order. */
  private kmerLow = new Uint32Array(1024);
  private kmerHigh = new Uint32Array(1024);
  /** DNA4 or query text unpacked to one IUPAC mask per base. */
  private baseMasks = new Uint8Array(1024);
  /** Occurrence table (see COUNT_BITS for the stamp word). */
  private table = new Uint32Array(0);
  private tableStride = SMALL_STRIDE;
  private generation = 0;
  /** Pass 2 output. */
  private narrowKeys = new Float64Array(1024);
  private wideHigh = new Uint32Array(0);
  private wideLow = new Uint32Array(0);
  private readonly longBuffers: Array<WeakRef<ArrayBuffer> | undefined> = [];
  /** Whether the last result's arrays are long-input buffers (which releaseLastResult can hand over). */
  private lastResultIsLong = false;

  private readonly ownTuning: LongInputTuning | undefined;

  /** `longInput`: when the long-input path is taken (tests lower it to run that path on short inputs). */
  constructor(longInput?: LongInputTuning) {
    this.ownTuning = longInput === undefined ? undefined : checkTuning(longInput);
  }

  private get longInput(): LongInputTuning {
    return this.ownTuning ?? longInputTestHooks.current ?? DEFAULT_LONG_INPUT_TUNING;
  }

  /**
   * Hands the arrays of the last call's KeyList over to the caller when they are long-input buffers: the
   * extractor forgets them, so they stay valid after the next call and the caller may keep them or sort them in
   * place (true). False for the reused buffers of shorter inputs, which the caller must copy to keep.
   */
  releaseLastResult(): boolean {
    if (!this.lastResultIsLong) return false;
    this.lastResultIsLong = false;
    this.longBuffers[LongBuffer.keys] = undefined;
    this.longBuffers[LongBuffer.keysLow] = undefined;
    return true;
  }

  /**
   * The keys of a stored value as extractStored gives them, in the same order, handed to `consume` in chunks
   * (KeyLists valid during the call only; `consume` must not use this extractor). A long value's keys are then
   * never all in memory: a caller that only looks at each key once (a count, a run of an index build) needs 4–8
   * bytes per base instead of 12–16. Shorter values come in one chunk.
   */
  extractStoredInChunks(layout: KeyLayout, value: DnaValue, consume: (keys: KeyList) => void): void {
    const input = this.longStoredInput(layout, value);
    if (input === undefined) {
      consume(this.extractStored(layout, value));
      return;
    }
    this.lastResultIsLong = false;
    this.longKeys(input).forEachChunk(consume);
  }

  /**
   * countShared of a stored value's keys with `queryKeys` when the value is long and the query short next to it
   * (a key per 16 windows at most): counted from the query's k-mer values without numbering the value's
   * (long-input.ts), in memory of the query's size. Undefined otherwise: then extract.
   */
  countSharedByQueryValues(stored: DnaValue, queryKeys: SortedKeys): number | undefined {
    const input = this.longStoredInput(queryKeys.layout, stored);
    if (input === undefined || queryKeys.count * 16 > input.windowCount) return undefined;
    this.lastResultIsLong = false;
    return countSharedByQueryValues(input, checkTuning(this.longInput).chunkWindows, queryKeys, keySetOf(queryKeys));
  }

  /** A stored value's long-input description when it takes that path, else undefined. */
  private longStoredInput(layout: KeyLayout, value: DnaValue): LongInput | undefined {
    const baseCount = value.kind === 'dna2' ? value.bitLength >>> 1 : value.bitLength >>> 2;
    if (baseCount - layout.kmerSize + 1 <= this.longInput.minWindows) return undefined;
    return value.kind === 'dna2'
      ? dna2Input(layout, value.data, baseCount)
      : dna4Input(layout, value.data, baseCount, this.longInput.chunkWindows);
  }

  /**
   * Keys of a stored DNA2/DNA4 value. Deviation F3: a value shorter than k has no keys (the reference raises the
   * query-length error here).
   */
  extractStored(layout: KeyLayout, value: DnaValue): KeyList {
    if (value.kind === 'dna2') return this.extractDna2(layout, value.data, value.bitLength >>> 1);
    return this.extractDna4(layout, value.data, value.bitLength >>> 2);
  }

  /** Keys of `baseCount` bases packed 2 bits each, most significant bits first. */
  extractDna2(layout: KeyLayout, data: Uint8Array, baseCount: number): KeyList {
    const kmerSize = layout.kmerSize;
    if (baseCount < kmerSize) return this.emptyResult(layout);
    const windowCount = baseCount - kmerSize + 1;
    if (windowCount > this.longInput.minWindows) return this.collectLongKeys(dna2Input(layout, data, baseCount));
    this.ensureKmerCapacity(windowCount);
    if (kmerSize <= MAX_SMALL_KMER_SIZE) rollDna2Small(data, baseCount, kmerSize, this.kmerLow);
    else rollDna2Large(data, baseCount, kmerSize, this.kmerLow, this.kmerHigh);
    return this.numberOccurrences(layout, windowCount);
  }

  /** Keys of `baseCount` bases packed 4 bits each (IUPAC masks), high nibble first. */
  extractDna4(layout: KeyLayout, data: Uint8Array, baseCount: number): KeyList {
    if (baseCount < layout.kmerSize) return this.emptyResult(layout);
    if (baseCount - layout.kmerSize + 1 > this.longInput.minWindows) {
      return this.collectLongKeys(dna4Input(layout, data, baseCount, this.longInput.chunkWindows));
    }
    const masks = this.ensureMaskCapacity(baseCount);
    unpackDna4(data, baseCount, masks);
    return this.extractMasks(layout, masks, baseCount);
  }

  /**
   * Keys of query text with the reference's checks (core §2.1): layout errors come from `keyLayout`, then the
   * length in bytes must reach k, then every character must be an IUPAC letter (first offender reported).
   */
  extractQuery(layout: KeyLayout, text: string): KeyList {
    const kmerSize = layout.kmerSize;
    const length = text.length;
    // UTF-16 length ≤ byte length, so only a short string can fail the byte-length check.
    if (length < kmerSize && utf8ByteLength(text) < kmerSize) throw queryTooShortError(kmerSize);
    // A long query's masks are not kept after the call.
    const masks = length - kmerSize + 1 > this.longInput.minWindows ? new Uint8Array(length) : this.ensureMaskCapacity(length);
    for (let i = 0; i < length; i++) {
      const unit = text.charCodeAt(i);
      const mask = unit < 128 ? MASK_OF_QUERY_CHAR[unit]! : 0;
      if (mask === 0) throw invalidQueryCharacterError(text.charAt(i));
      masks[i] = mask;
    }
    return this.extractMasks(layout, masks, length);
  }

  /** Keys of `baseCount` IUPAC masks (DNA4 rule: N/code 0 or two ambiguity codes skip a window). */
  extractMasks(layout: KeyLayout, masks: Uint8Array, baseCount: number): KeyList {
    const kmerSize = layout.kmerSize;
    if (baseCount < kmerSize) return this.emptyResult(layout);
    const windowCount = baseCount - kmerSize + 1;
    if (windowCount > this.longInput.minWindows) return this.collectLongKeys(masksInput(layout, masks, baseCount));
    // A window yields at most 3 values (one 3-way ambiguity code).
    this.ensureKmerCapacity(windowCount * 3);
    const valueCount =
      kmerSize <= MAX_SMALL_KMER_SIZE
        ? rollMasksSmall(masks, baseCount, kmerSize, this.kmerLow)
        : rollMasksLarge(masks, baseCount, kmerSize, this.kmerLow, this.kmerHigh);
    return this.numberOccurrences(layout, valueCount);
  }

  /** Pass 2 over the first `valueCount` k-mer values. */
  private numberOccurrences(layout: KeyLayout, valueCount: number): KeyList {
    this.lastResultIsLong = false;
    const small = layout.kmerSize <= MAX_SMALL_KMER_SIZE;
    // No more than 4^k distinct values can occur, whatever the length.
    const slotBits = this.prepareTable(Math.min(valueCount, 4 ** layout.kmerSize), small ? SMALL_STRIDE : LARGE_STRIDE);
    const generation = this.generation;
    if (small) {
      const keys = this.ensureNarrowCapacity(valueCount);
      const count = numberSmall(this.kmerLow, valueCount, layout.occurrenceBits, this.table, slotBits, generation, keys);
      return { layout, wide: false, count, values: keys };
    }
    if (!layout.wide) {
      const keys = this.ensureNarrowCapacity(valueCount);
      const count = numberLargeNarrow(
        this.kmerLow, this.kmerHigh, valueCount, layout.occurrenceBits, this.table, slotBits, generation, keys,
      );
      return { layout, wide: false, count, values: keys };
    }
    this.ensureWideCapacity(valueCount);
    const count = numberLargeWide(
      this.kmerLow, this.kmerHigh, valueCount, layout.occurrenceBits, this.table, slotBits, generation,
      this.wideHigh, this.wideLow,
    );
    return { layout, wide: true, count, high: this.wideHigh, low: this.wideLow };
  }

  /** The long-input path's numbering of `input`, with its partition-order copy in weakly held buffers. */
  private longKeys(input: LongInput): LongInputKeys {
    return new LongInputKeys(input, checkTuning(this.longInput), (half, count) =>
      this.longWords(half === 'low' ? LongBuffer.partitionedLow : LongBuffer.partitionedHigh, count),
    );
  }

  /** The long-input path's keys collected into one KeyList (which releaseLastResult can hand over). */
  private collectLongKeys(input: LongInput): KeyList {
    const keys = this.longKeys(input);
    const layout = input.layout;
    let count = 0;
    this.lastResultIsLong = true;
    if (layout.wide) {
      const high = this.longWords(LongBuffer.keys, keys.valueCount);
      const low = this.longWords(LongBuffer.keysLow, keys.valueCount);
      keys.forEachChunk((chunk) => {
        if (!chunk.wide) return;
        high.set(chunk.high.subarray(0, chunk.count), count);
        low.set(chunk.low.subarray(0, chunk.count), count);
        count += chunk.count;
      });
      return { layout, wide: true, count, high, low };
    }
    const values = new Float64Array(this.longBuffer(LongBuffer.keys, keys.valueCount * 8), 0, keys.valueCount);
    keys.forEachChunk((chunk) => {
      if (chunk.wide) return;
      values.set(chunk.values.subarray(0, chunk.count), count);
      count += chunk.count;
    });
    return { layout, wide: false, count, values };
  }

  private longWords(buffer: LongBuffer, count: number): Uint32Array {
    return new Uint32Array(this.longBuffer(buffer, count * 4), 0, count);
  }

  /** A long-input buffer of at least `byteLength` bytes: the one held weakly if still there and large enough. */
  private longBuffer(buffer: LongBuffer, byteLength: number): ArrayBuffer {
    const kept = this.longBuffers[buffer]?.deref();
    if (kept !== undefined && kept.byteLength >= byteLength) return kept;
    const fresh = new ArrayBuffer(byteLength);
    this.longBuffers[buffer] = new WeakRef(fresh);
    return fresh;
  }

  /**
   * Starts a new generation on a table of at least 2 × distinctBound slots (load ≤ 1/2 keeps probes short) and
   * returns log2 of the slot count used. A larger table left by an earlier extraction is reused: only its first
   * slots are addressed, and stale stamps there read as empty.
   */
  private prepareTable(distinctBound: number, stride: number): number {
    let slotBits = 4;
    while (2 ** slotBits < distinctBound * 2) slotBits++;
    const needed = 2 ** slotBits * stride;
    if (this.table.length < needed) {
      this.table = new Uint32Array(Math.max(needed, this.table.length * 2));
      this.generation = 0;
    } else if (stride !== this.tableStride || this.generation === MAX_GENERATION) {
      // A different stride would read other words as stamps; an exhausted generation counter would make
      // old stamps look current. Both need a real clear, which is rare.
      this.table.fill(0);
      this.generation = 0;
    }
    this.tableStride = stride;
    this.generation++;
    return slotBits;
  }

  private emptyResult(layout: KeyLayout): KeyList {
    this.lastResultIsLong = false;
    return layout.wide
      ? { layout, wide: true, count: 0, high: this.wideHigh, low: this.wideLow }
      : { layout, wide: false, count: 0, values: this.narrowKeys };
  }

  private ensureKmerCapacity(count: number): void {
    if (this.kmerLow.length < count) {
      const capacity = grownCapacity(this.kmerLow.length, count);
      this.kmerLow = new Uint32Array(capacity);
      this.kmerHigh = new Uint32Array(capacity);
    }
  }

  private ensureMaskCapacity(count: number): Uint8Array {
    if (this.baseMasks.length < count) this.baseMasks = new Uint8Array(grownCapacity(this.baseMasks.length, count));
    return this.baseMasks;
  }

  private ensureNarrowCapacity(count: number): Float64Array {
    if (this.narrowKeys.length < count) this.narrowKeys = new Float64Array(grownCapacity(this.narrowKeys.length, count));
    return this.narrowKeys;
  }

  private ensureWideCapacity(count: number): void {
    if (this.wideLow.length < count) {
      const capacity = grownCapacity(this.wideLow.length, count);
      this.wideHigh = new Uint32Array(capacity);
      this.wideLow = new Uint32Array(capacity);
    }
  }
}

/** Doubling growth so a sequence of slowly growing inputs does not reallocate every call. */
function grownCapacity(current: number, needed: number): number {
  return Math.max(needed, current * 2, 1024);
}

/** IUPAC masks of `baseCount` bases packed 4 bits each, high nibble first. */
function unpackDna4(data: Uint8Array, baseCount: number, masks: Uint8Array): void {
  const fullBytes = baseCount >>> 1;
  for (let byteIndex = 0; byteIndex < fullBytes; byteIndex++) {
    const byte = data[byteIndex]!;
    masks[byteIndex << 1] = byte >>> 4;
    masks[(byteIndex << 1) | 1] = byte & 15;
  }
  if (baseCount & 1) masks[baseCount - 1] = data[fullBytes]! >>> 4;
}

// Long inputs are rolled a chunk of windows at a time (long-input.ts): windows [first, end) are the values of the
// bases [first, end + k − 1), rolled by the same functions from a view that starts at base `first` (a multiple of
// 4, so a DNA2 view starts on a byte). A rolling value depends only on the last k bases, so the chunk's values are
// those of the whole input.

/** `roll` gets the view's base count (end − first + k − 1) besides the window range. */
function longInputOf(
  layout: KeyLayout,
  baseCount: number,
  valuesPerWindow: number,
  roll: (first: number, chunkBases: number, low: Uint32Array, high: Uint32Array) => number,
): LongInput {
  const kmerSize = layout.kmerSize;
  return {
    layout,
    windowCount: baseCount - kmerSize + 1,
    valuesPerWindow,
    roll: (first, end, low, high) => roll(first, end - first + kmerSize - 1, low, high),
  };
}

function dna2Input(layout: KeyLayout, data: Uint8Array, baseCount: number): LongInput {
  const kmerSize = layout.kmerSize;
  return longInputOf(layout, baseCount, 1, (first, chunkBases, low, high) => {
    const chunk = data.subarray(first >>> 2);
    if (kmerSize <= MAX_SMALL_KMER_SIZE) rollDna2Small(chunk, chunkBases, kmerSize, low);
    else rollDna2Large(chunk, chunkBases, kmerSize, low, high);
    return chunkBases - kmerSize + 1;
  });
}

/** At most 3 values per window (one 3-way ambiguity code). */
function masksInput(layout: KeyLayout, masks: Uint8Array, baseCount: number): LongInput {
  return longInputOf(layout, baseCount, 3, (first, chunkBases, low, high) =>
    rollMasks(masks.subarray(first), chunkBases, layout.kmerSize, low, high),
  );
}

/** DNA4 is unpacked into masks a chunk at a time, so a long value never has a mask per base in memory. */
function dna4Input(layout: KeyLayout, data: Uint8Array, baseCount: number, chunkWindows: number): LongInput {
  const masks = new Uint8Array(chunkWindows + layout.kmerSize - 1);
  return longInputOf(layout, baseCount, 3, (first, chunkBases, low, high) => {
    unpackDna4(data.subarray(first >>> 1), chunkBases, masks);
    return rollMasks(masks, chunkBases, layout.kmerSize, low, high);
  });
}

function rollMasks(masks: Uint8Array, baseCount: number, kmerSize: number, low: Uint32Array, high: Uint32Array): number {
  return kmerSize <= MAX_SMALL_KMER_SIZE
    ? rollMasksSmall(masks, baseCount, kmerSize, low)
    : rollMasksLarge(masks, baseCount, kmerSize, low, high);
}

// ---------------------------------------------------------------------------------------------------------------
// Pass 1: windows → k-mer values. The first base of a window is in the most significant position.

/** 2-bit code of base i of packed DNA2 bytes. */
function dna2Code(data: Uint8Array, baseIndex: number): number {
  return (data[baseIndex >>> 2]! >>> (6 - ((baseIndex & 3) << 1))) & 3;
}

function rollDna2Small(data: Uint8Array, baseCount: number, kmerSize: number, out: Uint32Array): void {
  // k = 16 uses all 32 bits: the mask is then -1, which `&` treats as all ones.
  const valueMask = kmerSize === 16 ? -1 : (1 << (2 * kmerSize)) - 1;
  let value = 0;
  for (let i = 0; i < kmerSize - 1; i++) value = (value << 2) | dna2Code(data, i);
  let windowIndex = 0;
  let baseIndex = kmerSize - 1;
  // Align to a byte boundary, then consume whole bytes (4 bases) with no per-base shift computation.
  while (baseIndex < baseCount && (baseIndex & 3) !== 0) {
    value = ((value << 2) | dna2Code(data, baseIndex)) & valueMask;
    out[windowIndex++] = value;
    baseIndex++;
  }
  const fullByteEnd = baseCount >>> 2;
  for (let byteIndex = baseIndex >>> 2; byteIndex < fullByteEnd; byteIndex++) {
    const byte = data[byteIndex]!;
    value = ((value << 2) | (byte >>> 6)) & valueMask;
    out[windowIndex] = value;
    value = ((value << 2) | ((byte >>> 4) & 3)) & valueMask;
    out[windowIndex + 1] = value;
    value = ((value << 2) | ((byte >>> 2) & 3)) & valueMask;
    out[windowIndex + 2] = value;
    value = ((value << 2) | (byte & 3)) & valueMask;
    out[windowIndex + 3] = value;
    windowIndex += 4;
    baseIndex += 4;
  }
  for (; baseIndex < baseCount; baseIndex++) {
    value = ((value << 2) | dna2Code(data, baseIndex)) & valueMask;
    out[windowIndex++] = value;
  }
}

function rollDna2Large(
  data: Uint8Array,
  baseCount: number,
  kmerSize: number,
  outLow: Uint32Array,
  outHigh: Uint32Array,
): void {
  // The low half holds the last 16 bases, the high half the first k − 16.
  const highMask = kmerSize === 32 ? -1 : (1 << (2 * kmerSize - 32)) - 1;
  let low = 0;
  let high = 0;
  for (let baseIndex = 0; baseIndex < baseCount; baseIndex++) {
    const code = dna2Code(data, baseIndex);
    high = ((high << 2) | (low >>> 30)) & highMask;
    low = (low << 2) | code;
    const windowIndex = baseIndex - kmerSize + 1;
    if (windowIndex >= 0) {
      outLow[windowIndex] = low;
      outHigh[windowIndex] = high;
    }
  }
}

/**
 * IUPAC masks, k ≤ 16. Non-concrete bases enter the rolling value as code 0; an ambiguity code's members are
 * OR-ed into that placeholder. Returns the number of values written.
 */
function rollMasksSmall(masks: Uint8Array, baseCount: number, kmerSize: number, out: Uint32Array): number {
  const valueMask = kmerSize === 16 ? -1 : (1 << (2 * kmerSize)) - 1;
  let value = 0;
  let lastSkipped = -1;
  let lastAmbiguous = -1;
  let previousAmbiguous = -1;
  let written = 0;
  for (let baseIndex = 0; baseIndex < baseCount; baseIndex++) {
    const mask = masks[baseIndex]!;
    value = ((value << 2) | CODE_OF_MASK[mask]!) & valueMask;
    const kind = KIND_OF_MASK[mask]!;
    if (kind === BaseKind.skipped) lastSkipped = baseIndex;
    else if (kind === BaseKind.ambiguous) {
      previousAmbiguous = lastAmbiguous;
      lastAmbiguous = baseIndex;
    }
    const windowStart = baseIndex - kmerSize + 1;
    if (windowStart < 0 || lastSkipped >= windowStart || previousAmbiguous >= windowStart) continue;
    if (lastAmbiguous < windowStart) {
      out[written++] = value;
      continue;
    }
    const shift = (baseIndex - lastAmbiguous) << 1;
    const ambiguousMask = masks[lastAmbiguous]!;
    const memberCount = MEMBER_COUNT_OF_MASK[ambiguousMask]!;
    for (let member = 0; member < memberCount; member++) {
      out[written++] = value | (MEMBER_CODES_OF_MASK[(ambiguousMask << 2) | member]! << shift);
    }
  }
  return written;
}

/** IUPAC masks, k > 16: as rollMasksSmall with the value in two halves. */
function rollMasksLarge(
  masks: Uint8Array,
  baseCount: number,
  kmerSize: number,
  outLow: Uint32Array,
  outHigh: Uint32Array,
): number {
  const highMask = kmerSize === 32 ? -1 : (1 << (2 * kmerSize - 32)) - 1;
  let low = 0;
  let high = 0;
  let lastSkipped = -1;
  let lastAmbiguous = -1;
  let previousAmbiguous = -1;
  let written = 0;
  for (let baseIndex = 0; baseIndex < baseCount; baseIndex++) {
    const mask = masks[baseIndex]!;
    high = ((high << 2) | (low >>> 30)) & highMask;
    low = (low << 2) | CODE_OF_MASK[mask]!;
    const kind = KIND_OF_MASK[mask]!;
    if (kind === BaseKind.skipped) lastSkipped = baseIndex;
    else if (kind === BaseKind.ambiguous) {
      previousAmbiguous = lastAmbiguous;
      lastAmbiguous = baseIndex;
    }
    const windowStart = baseIndex - kmerSize + 1;
    if (windowStart < 0 || lastSkipped >= windowStart || previousAmbiguous >= windowStart) continue;
    if (lastAmbiguous < windowStart) {
      outLow[written] = low;
      outHigh[written++] = high;
      continue;
    }
    const shift = (baseIndex - lastAmbiguous) << 1;
    const ambiguousMask = masks[lastAmbiguous]!;
    const memberCount = MEMBER_COUNT_OF_MASK[ambiguousMask]!;
    for (let member = 0; member < memberCount; member++) {
      const code = MEMBER_CODES_OF_MASK[(ambiguousMask << 2) | member]!;
      if (shift < 32) {
        outLow[written] = low | (code << shift);
        outHigh[written++] = high;
      } else {
        outLow[written] = low;
        outHigh[written++] = high | (code << (shift - 32));
      }
    }
  }
  return written;
}

// ---------------------------------------------------------------------------------------------------------------
// Pass 2: occurrence numbering and key packing. The c-th occurrence of a value (c from 1) is kept when
// c ≤ 2^b (b > 0) or c = 1 (b = 0) and becomes the key value << b | (c − 1).

/** Most occurrences kept per value. */
function occurrenceLimit(occurrenceBits: number): number {
  return occurrenceBits === 0 ? 1 : 1 << occurrenceBits;
}

function numberSmall(
  values: Uint32Array,
  valueCount: number,
  occurrenceBits: number,
  table: Uint32Array,
  slotBits: number,
  generation: number,
  out: Float64Array,
): number {
  const limit = occurrenceLimit(occurrenceBits);
  // `1 << b`, not `2 ** b`: once a caller's loop is OSR-compiled with this inlined, V8 made `**` 5× slower.
  const scale = 1 << occurrenceBits;
  const shift = 32 - slotBits;
  const slotMask = (1 << slotBits) - 1;
  const stamp = generation << COUNT_BITS;
  let emitted = 0;
  for (let i = 0; i < valueCount; i++) {
    const value = values[i]!;
    let slot = Math.imul(value, HASH_MULTIPLIER) >>> shift;
    let occurrence = 0;
    for (;;) {
      const at = slot << 1;
      const slotStamp = table[at + 1]!;
      if (slotStamp >>> COUNT_BITS !== generation) {
        table[at] = value;
        table[at + 1] = stamp | 1;
        occurrence = 1;
        break;
      }
      if (table[at] === value) {
        occurrence = (slotStamp & COUNT_MASK) + 1;
        // The count stops at limit: every later occurrence is dropped anyway.
        if (occurrence <= limit) table[at + 1] = stamp | occurrence;
        break;
      }
      slot = (slot + 1) & slotMask;
    }
    if (occurrence <= limit) out[emitted++] = value * scale + (occurrence - 1);
  }
  return emitted;
}

/** Finds or inserts (low, high) and returns its occurrence number (1-based), capped at limit + 1. */
function countLarge(
  low: number,
  high: number,
  table: Uint32Array,
  shift: number,
  slotMask: number,
  generation: number,
  limit: number,
): number {
  const stamp = generation << COUNT_BITS;
  let slot = Math.imul(low ^ Math.imul(high, HIGH_HALF_MIXER), HASH_MULTIPLIER) >>> shift;
  for (;;) {
    const at = slot << 2;
    const slotStamp = table[at + 2]!;
    if (slotStamp >>> COUNT_BITS !== generation) {
      table[at] = low;
      table[at + 1] = high;
      table[at + 2] = stamp | 1;
      return 1;
    }
    if (table[at] === low && table[at + 1] === high) {
      const occurrence = (slotStamp & COUNT_MASK) + 1;
      if (occurrence <= limit) table[at + 2] = stamp | occurrence;
      return occurrence;
    }
    slot = (slot + 1) & slotMask;
  }
}

function numberLargeNarrow(
  valuesLow: Uint32Array,
  valuesHigh: Uint32Array,
  valueCount: number,
  occurrenceBits: number,
  table: Uint32Array,
  slotBits: number,
  generation: number,
  out: Float64Array,
): number {
  const limit = occurrenceLimit(occurrenceBits);
  const scale = 1 << occurrenceBits; // not `2 ** b` (see numberSmall)
  const shift = 32 - slotBits;
  const slotMask = (1 << slotBits) - 1;
  let emitted = 0;
  for (let i = 0; i < valueCount; i++) {
    const low = valuesLow[i]!;
    const high = valuesHigh[i]!;
    const occurrence = countLarge(low, high, table, shift, slotMask, generation, limit);
    // T ≤ 53 here, so the product and sum are exact doubles.
    if (occurrence <= limit) out[emitted++] = (high * TWO_POW_32 + low) * scale + (occurrence - 1);
  }
  return emitted;
}

function numberLargeWide(
  valuesLow: Uint32Array,
  valuesHigh: Uint32Array,
  valueCount: number,
  occurrenceBits: number,
  table: Uint32Array,
  slotBits: number,
  generation: number,
  outHigh: Uint32Array,
  outLow: Uint32Array,
): number {
  const limit = occurrenceLimit(occurrenceBits);
  const shift = 32 - slotBits;
  const slotMask = (1 << slotBits) - 1;
  // `x >>> 32` is `x` in JS, so b = 0 must not shift the low half's top bits into the high half.
  const carryShift = occurrenceBits === 0 ? 0 : 32 - occurrenceBits;
  let emitted = 0;
  for (let i = 0; i < valueCount; i++) {
    const low = valuesLow[i]!;
    const high = valuesHigh[i]!;
    const occurrence = countLarge(low, high, table, shift, slotMask, generation, limit);
    if (occurrence > limit) continue;
    if (occurrenceBits === 0) {
      outHigh[emitted] = high;
      outLow[emitted++] = low;
    } else {
      outHigh[emitted] = (high << occurrenceBits) | (low >>> carryShift);
      outLow[emitted++] = (low << occurrenceBits) | (occurrence - 1);
    }
  }
  return emitted;
}
