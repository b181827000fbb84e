/**
 * A read-only set of full keys in a SharedArrayBuffer: the high-frequency keys an index build leaves out
 * (deviation F5: full keys of one analysis). Built once on the main thread, it reaches every worker without a
 * copy (a SharedArrayBuffer is shared, not cloned) and answers src/kmer's KeyMembership, so the same object serves
 * extraction in workers, pending-list inserts and query preparation.
 *
 * Layout: `[slot bits u32][size u32][layout: k u32, b u32]` then `high u32[slots]`, `low u32[slots]`,
 * `used u8[slots]` — open addressing with linear probing at load ≤ 1/2, keys as uint32 halves for both layouts.
 */
import { keyLayout, type KeyLayout, type KeyList, type KeyMembership } from '../kmer/index.js';

const TWO_POW_32 = 4294967296;
const HASH_MULTIPLIER = 0x9e3779b1;
const HIGH_HALF_MIXER = 0x85ebca6b;
const headerBytes = 16;

export class SharedKeySet implements KeyMembership {
  readonly layout: KeyLayout;
  readonly size: number;
  private readonly shift: number;
  private readonly slotMask: number;
  private readonly high: Uint32Array;
  private readonly low: Uint32Array;
  private readonly used: Uint8Array;

  private constructor(readonly buffer: SharedArrayBuffer) {
    const header = new Uint32Array(buffer, 0, 4);
    const slotBits = header[0]!;
    this.size = header[1]!;
    this.layout = keyLayout(header[2]!, header[3]!);
    const slots = 2 ** slotBits;
    this.shift = 32 - slotBits;
    this.slotMask = slots - 1;
    this.high = new Uint32Array(buffer, headerBytes, slots);
    this.low = new Uint32Array(buffer, headerBytes + slots * 4, slots);
    this.used = new Uint8Array(buffer, headerBytes + slots * 8, slots);
  }

  /** A set of the given keys (duplicates allowed). */
  static from(keys: KeyList): SharedKeySet {
    let slotBits = 3;
    while (2 ** slotBits < keys.count * 2) slotBits++;
    const slots = 2 ** slotBits;
    const buffer = new SharedArrayBuffer(headerBytes + slots * 9);
    const header = new Uint32Array(buffer, 0, 4);
    header[0] = slotBits;
    header[2] = keys.layout.kmerSize;
    header[3] = keys.layout.occurrenceBits;
    const set = new SharedKeySet(buffer);
    let size = 0;
    for (let index = 0; index < keys.count; index++) {
      const high = keys.wide ? keys.high[index]! : (keys.values[index]! / TWO_POW_32) >>> 0;
      const low = keys.wide ? keys.low[index]! : keys.values[index]! >>> 0;
      if (set.insert(high, low)) size++;
    }
    header[1] = size;
    return new SharedKeySet(buffer);
  }

  /** The set behind a buffer received from another thread. */
  static attach(buffer: SharedArrayBuffer): SharedKeySet {
    return new SharedKeySet(buffer);
  }

  has(keys: KeyList, index: number): boolean {
    if (keys.wide) return this.hasHalves(keys.high[index]!, keys.low[index]!);
    const key = keys.values[index]!;
    return this.hasHalves((key / TWO_POW_32) >>> 0, key >>> 0);
  }

  hasHalves(high: number, low: number): boolean {
    let slot = hash(high, low) >>> this.shift;
    for (;;) {
      if (this.used[slot] === 0) return false;
      if (this.low[slot] === low && this.high[slot] === high) return true;
      slot = (slot + 1) & this.slotMask;
    }
  }

  private insert(high: number, low: number): boolean {
    let slot = hash(high, low) >>> this.shift;
    for (;;) {
      if (this.used[slot] === 0) {
        this.used[slot] = 1;
        this.high[slot] = high;
        this.low[slot] = low;
        return true;
      }
      if (this.low[slot] === low && this.high[slot] === high) return false;
      slot = (slot + 1) & this.slotMask;
    }
  }
}

function hash(high: number, low: number): number {
  return Math.imul(low ^ Math.imul(high, HIGH_HALF_MIXER), HASH_MULTIPLIER);
}
