/**
 * A hash set of keys for O(1) membership probes: the query side of `matchscore` / `=%`, and the shape in which a
 * high-frequency key set (analysis, deviation F5: full keys) can be plugged into the match rule.
 */
import type { KeyLayout, KeyList, SortedKeys } from './keys.js';

const TWO_POW_32 = 4294967296;
const HASH_MULTIPLIER = 0x9e3779b1;
const HIGH_HALF_MIXER = 0x85ebca6b;
/** Marks an empty narrow slot: keys are never negative. */
const EMPTY_NARROW = -1;
/**
 * Sorted narrow key lists of at least this many keys (a long query's) get a SortedKeyDirectory instead of a
 * table: the table would take 16–27 bytes per key (a 10 Mbp query's 268 MB), the directory about 1.
 */
const DIRECTORY_MIN_KEYS = 1 << 20;

/** Membership of full keys; the plug-in point for high-frequency exclusion. */
export interface KeyMembership {
  /** True when key `index` of `keys` is in the set. */
  has(keys: KeyList, index: number): boolean;
}

export class KeySet implements KeyMembership {
  readonly layout: KeyLayout;
  readonly size: number;
  private readonly shift: number;
  private readonly slotMask: number;
  /** Narrow layout: keys as doubles, EMPTY_NARROW where free. */
  private readonly narrowSlots: Float64Array;
  /** Wide layout: halves plus an occupancy flag (every 64-bit pattern is a possible key). */
  private readonly wideHigh: Uint32Array;
  private readonly wideLow: Uint32Array;
  private readonly wideUsed: Uint8Array;
  /** A large sorted narrow list's directory (no table then), else null. */
  private readonly directory: SortedKeyDirectory | null;

  /** `sorted`: `keys` is a SortedKeys, whose array the set may then keep and search instead of hashing. */
  constructor(keys: KeyList, sorted = false) {
    this.layout = keys.layout;
    this.directory = sorted && !keys.wide && keys.count >= DIRECTORY_MIN_KEYS ? new SortedKeyDirectory(keys.values, keys.count, keys.layout.totalBits) : null;
    let slotBits = 3;
    while (2 ** slotBits < keys.count * 2) slotBits++;
    this.shift = 32 - slotBits;
    this.slotMask = 2 ** slotBits - 1;
    const slotCount = 2 ** slotBits;
    let size = 0;
    if (this.directory !== null) {
      this.narrowSlots = new Float64Array(0);
      this.wideHigh = this.wideLow = new Uint32Array(0);
      this.wideUsed = new Uint8Array(0);
      size = keys.count;
    } else if (!keys.wide) {
      this.narrowSlots = new Float64Array(slotCount).fill(EMPTY_NARROW);
      this.wideHigh = this.wideLow = new Uint32Array(0);
      this.wideUsed = new Uint8Array(0);
      for (let i = 0; i < keys.count; i++) if (this.insertNarrow(keys.values[i]!)) size++;
    } else {
      this.narrowSlots = new Float64Array(0);
      this.wideHigh = new Uint32Array(slotCount);
      this.wideLow = new Uint32Array(slotCount);
      this.wideUsed = new Uint8Array(slotCount);
      for (let i = 0; i < keys.count; i++) if (this.insertWide(keys.high[i]!, keys.low[i]!)) size++;
    }
    this.size = size;
  }

  has(keys: KeyList, index: number): boolean {
    return keys.wide ? this.hasWide(keys.high[index]!, keys.low[index]!) : this.hasNarrow(keys.values[index]!);
  }

  hasNarrow(key: number): boolean {
    return this.directory === null ? this.hasNarrowInTable(key) : this.directory.has(key);
  }

  private hasNarrowInTable(key: number): boolean {
    const slots = this.narrowSlots;
    let slot = narrowHash(key) >>> this.shift;
    for (;;) {
      const stored = slots[slot]!;
      if (stored === key) return true;
      if (stored === EMPTY_NARROW) return false;
      slot = (slot + 1) & this.slotMask;
    }
  }

  hasWide(high: number, low: number): boolean {
    let slot = wideHash(high, low) >>> this.shift;
    for (;;) {
      if (this.wideUsed[slot] === 0) return false;
      if (this.wideLow[slot] === low && this.wideHigh[slot] === high) return true;
      slot = (slot + 1) & this.slotMask;
    }
  }

  /** Number of keys of `keys` in this set, optionally not counting keys in `excluded`. */
  countIn(keys: KeyList, excluded?: KeyMembership): number {
    let shared = 0;
    const count = keys.count;
    if (!keys.wide) {
      const values = keys.values;
      const directory = this.directory;
      if (directory !== null) {
        for (let i = 0; i < count; i++) {
          if (directory.has(values[i]!) && (excluded === undefined || !excluded.has(keys, i))) shared++;
        }
        return shared;
      }
      for (let i = 0; i < count; i++) {
        if (this.hasNarrowInTable(values[i]!) && (excluded === undefined || !excluded.has(keys, i))) shared++;
      }
    } else {
      const { high, low } = keys;
      for (let i = 0; i < count; i++) {
        if (this.hasWide(high[i]!, low[i]!) && (excluded === undefined || !excluded.has(keys, i))) shared++;
      }
    }
    return shared;
  }

  private insertNarrow(key: number): boolean {
    const slots = this.narrowSlots;
    let slot = narrowHash(key) >>> this.shift;
    for (;;) {
      const stored = slots[slot]!;
      if (stored === key) return false;
      if (stored === EMPTY_NARROW) {
        slots[slot] = key;
        return true;
      }
      slot = (slot + 1) & this.slotMask;
    }
  }

  private insertWide(high: number, low: number): boolean {
    let slot = wideHash(high, low) >>> this.shift;
    for (;;) {
      if (this.wideUsed[slot] === 0) {
        this.wideUsed[slot] = 1;
        this.wideHigh[slot] = high;
        this.wideLow[slot] = low;
        return true;
      }
      if (this.wideLow[slot] === low && this.wideHigh[slot] === high) return false;
      slot = (slot + 1) & this.slotMask;
    }
  }
}

/**
 * Membership in a large sorted list of distinct narrow keys, kept as it is: `starts[b]` is the index of the first
 * key whose top bits (of T) are ≥ b, with about 4 keys per bucket, so a probe reads one directory entry and a
 * few keys (a binary search narrows a crowded bucket first).
 */
class SortedKeyDirectory {
  /** 2^(bits − T): a key times this, rounded down, is its bucket (exact: a power of two). */
  private readonly scale: number;
  private readonly starts: Uint32Array;

  constructor(
    private readonly values: Float64Array,
    count: number,
    totalBits: number,
  ) {
    let bits = 1;
    while (bits < totalBits && 2 ** (bits + 2) < count) bits++;
    const scale = (this.scale = 2 ** (bits - totalBits));
    const buckets = 2 ** bits;
    const starts = (this.starts = new Uint32Array(buckets + 1));
    let index = 0;
    for (let bucket = 0; bucket < buckets; bucket++) {
      starts[bucket] = index;
      while (index < count && Math.floor(values[index]! * scale) <= bucket) index++;
    }
    starts[buckets] = count;
  }

  has(key: number): boolean {
    const bucket = Math.floor(key * this.scale);
    const values = this.values;
    let low = this.starts[bucket]!;
    let high = this.starts[bucket + 1]!;
    while (high - low > 8) {
      const middle = (low + high) >>> 1;
      if (values[middle]! <= key) low = middle;
      else high = middle;
    }
    for (let index = low; index < high; index++) {
      const value = values[index]!;
      if (value >= key) return value === key;
    }
    return false;
  }
}

function wideHash(high: number, low: number): number {
  return Math.imul(low ^ Math.imul(high, HIGH_HALF_MIXER), HASH_MULTIPLIER);
}

/** Same hash as the wide layout on the key's halves (ToUint32 of an integral double is exact modulo 2^32). */
function narrowHash(key: number): number {
  return wideHash((key / TWO_POW_32) >>> 0, key >>> 0);
}

/** One KeySet per SortedKeys, built on first use: a query's set serves every row it is compared with. */
const keySetOfSortedKeys = new WeakMap<SortedKeys, KeySet>();

export function keySetOf(keys: SortedKeys): KeySet {
  let set = keySetOfSortedKeys.get(keys);
  if (set === undefined) {
    set = new KeySet(keys, true);
    keySetOfSortedKeys.set(keys, set);
  }
  return set;
}
