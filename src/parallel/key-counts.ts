/**
 * Count tables of full keys for the high-frequency analysis (DESIGN §4). Every key of a row is distinct (src/kmer
 * numbers occurrences), so "rows containing key x" is a plain count of x over all rows, and a table only has to
 * add one per key it is given.
 *
 * Both tables share one slot layout in a SharedArrayBuffer of uint32 words, so the main thread can read a table a
 * worker filled without a copy: keys of ≤ 32 bits take `[key, count]`, wider keys `[high, low, count]` (one
 * cache line per probe in most cases, which matters more than anything else here: the tables are far larger than
 * the caches). A count of 0 marks a free slot; open addressing with linear probing.
 *
 * - `KeyCountTable`: one participant's private table with plain loads and stores, grown by doubling (variant (a):
 *   per-worker tables merged on the main thread).
 * - `SharedKeyCountTable`: one fixed-size table all participants count into at once (variant (b)): a free slot is
 *   claimed with `Atomics.compareExchange` (count 0 → CLAIMING), the key halves are written and the count is
 *   published with `Atomics.store` (1), after which the plain key words are visible to every thread that read the
 *   count atomically; later rows add with `Atomics.add`. Its capacity comes from the memory budget, and an
 *   overflow raises a clear out-of-memory error rather than degrading into endless probing.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { KeyList } from '../kmer/index.js';

const TWO_POW_32 = 4294967296;
const HASH_MULTIPLIER = 0x9e3779b1;
const HIGH_HALF_MIXER = 0x85ebca6b;
/** Count word of a slot whose key is being written by another thread. */
const CLAIMING = 0xffffffff;
/** Fewest slots of any table; small enough for tiny tests, large enough to keep growth rare. */
const MIN_SLOT_BITS = 10;
/** Most slots of one table (2^29 × 12 B = 6 GiB): beyond that a budget is not meaningful in one process. */
const MAX_SLOT_BITS = 29;
/** A private table doubles once it is this full. */
const GROW_LOAD = 0.5;
/** A shared table is "full" at this load: linear probing slows down sharply beyond it. */
const SHARED_MAX_LOAD = 0.75;
/** Participants publish their insertions to the shared size counter in batches of up to this many (one atomic each). */
const SIZE_BATCH = 1024;
/** Participants a shared table is sized for when bounding how far the published size may lag behind. */
const MAX_PARTICIPANTS = 64;

/** Words per slot for keys of `totalBits` bits. */
export function slotWords(totalBits: number): 2 | 3 {
  return totalBits <= 32 ? 2 : 3;
}

/** Bytes per slot for keys of `totalBits` bits. */
export function bytesPerSlot(totalBits: number): number {
  return slotWords(totalBits) * 4;
}

function hashHalves(high: number, low: number): number {
  return Math.imul(low ^ Math.imul(high, HIGH_HALF_MIXER), HASH_MULTIPLIER);
}

/** What crosses threads to describe a table: its buffer and shape. */
export interface KeyCountTableState {
  readonly buffer: SharedArrayBuffer;
  readonly slotBits: number;
  readonly totalBits: number;
  /** Keys in the table (for a shared table: as published by the participants). */
  readonly size: number;
}

/** Read access shared by both tables: iterate the occupied slots. */
export abstract class KeyCountSlots {
  protected words: Uint32Array;
  protected slotBits: number;
  protected shift: number;
  protected slotMask: number;
  readonly stride: 2 | 3;

  protected constructor(
    protected buffer: SharedArrayBuffer,
    slotBits: number,
    readonly totalBits: number,
  ) {
    this.stride = slotWords(totalBits);
    this.words = new Uint32Array(buffer);
    this.slotBits = slotBits;
    this.shift = 32 - slotBits;
    this.slotMask = 2 ** slotBits - 1;
  }

  get slotCount(): number {
    return this.slotMask + 1;
  }

  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /** The count of key (high, low), 0 when absent. Only once no participant is adding any more. */
  countOf(high: number, low: number): number {
    const words = this.words;
    const stride = this.stride;
    let slot = hashHalves(high, low) >>> this.shift;
    for (;;) {
      const at = slot * stride;
      const count = words[at + stride - 1]!;
      if (count === 0) return 0;
      if (stride === 2 ? words[at] === low : words[at + 1] === low && words[at] === high) return count;
      slot = (slot + 1) & this.slotMask;
    }
  }

  /** The raw words, for iteration: slot s has its count at `s * stride + stride − 1`, its low half before it. */
  get rawWords(): Uint32Array {
    return this.words;
  }
}

/** Variant (a): one participant's table, plain memory operations, grown by doubling. */
export class KeyCountTable extends KeyCountSlots {
  private entries = 0;
  private growAt: number;

  private constructor(buffer: SharedArrayBuffer, slotBits: number, totalBits: number, size: number) {
    super(buffer, slotBits, totalBits);
    this.entries = size;
    this.growAt = Math.floor(2 ** slotBits * GROW_LOAD);
  }

  /** An empty table; `maxBytes` bounds its growth (the participant's share of `maintenance_work_mem`). */
  static create(totalBits: number, maxBytes: number, initialSlotBits = MIN_SLOT_BITS): KeyCountTable {
    const table = new KeyCountTable(
      new SharedArrayBuffer(2 ** initialSlotBits * bytesPerSlot(totalBits)),
      initialSlotBits,
      totalBits,
      0,
    );
    table.maxBytes = maxBytes;
    return table;
  }

  /** The table behind a state received from another thread (adopted, not copied). */
  static adopt(state: KeyCountTableState, maxBytes: number): KeyCountTable {
    const table = new KeyCountTable(state.buffer, state.slotBits, state.totalBits, state.size);
    table.maxBytes = maxBytes;
    return table;
  }

  private maxBytes = Number.POSITIVE_INFINITY;

  get size(): number {
    return this.entries;
  }

  state(): KeyCountTableState {
    return { buffer: this.buffer, slotBits: this.slotBits, totalBits: this.totalBits, size: this.entries };
  }

  /** Adds one to every key of a row. */
  addKeys(keys: KeyList): void {
    if (keys.wide) {
      const high = keys.high;
      const low = keys.low;
      for (let index = 0; index < keys.count; index++) this.add(high[index]!, low[index]!, 1);
    } else {
      const values = keys.values;
      for (let index = 0; index < keys.count; index++) {
        const key = values[index]!;
        this.add((key / TWO_POW_32) >>> 0, key >>> 0, 1);
      }
    }
  }

  /** Adds `amount` to the count of key (high, low). */
  add(high: number, low: number, amount: number): void {
    const words = this.words;
    const mask = this.slotMask;
    let slot = hashHalves(high, low) >>> this.shift;
    if (this.stride === 2) {
      for (;;) {
        const at = slot << 1;
        const count = words[at + 1]!;
        if (count === 0) {
          words[at] = low;
          words[at + 1] = amount;
          break;
        }
        if (words[at] === low) {
          words[at + 1] = count + amount;
          return;
        }
        slot = (slot + 1) & mask;
      }
    } else {
      for (;;) {
        const at = slot * 3;
        const count = words[at + 2]!;
        if (count === 0) {
          words[at] = high;
          words[at + 1] = low;
          words[at + 2] = amount;
          break;
        }
        if (words[at + 1] === low && words[at] === high) {
          words[at + 2] = count + amount;
          return;
        }
        slot = (slot + 1) & mask;
      }
    }
    // Twice the key space holds every possible key at load ≤ 1/2: no need to grow beyond it.
    if (++this.entries > this.growAt && this.slotBits <= this.totalBits) this.grow();
  }

  /** Adds every count of another table (the main thread's merge of variant (a)). */
  addTable(other: KeyCountSlots): void {
    const words = other.rawWords;
    const stride = other.stride;
    const end = other.slotCount * stride;
    if (stride === 2) {
      for (let at = 0; at < end; at += 2) {
        const count = words[at + 1]!;
        if (count !== 0) this.add(0, words[at]!, count);
      }
    } else {
      for (let at = 0; at < end; at += 3) {
        const count = words[at + 2]!;
        if (count !== 0) this.add(words[at]!, words[at + 1]!, count);
      }
    }
  }

  private grow(): void {
    const slotBits = this.slotBits + 1;
    const bytes = 2 ** slotBits * bytesPerSlot(this.totalBits);
    if (slotBits > MAX_SLOT_BITS || bytes > this.maxBytes) throw countTableOverflow(this.entries, this.maxBytes);
    const old = new KeyCountTable(this.buffer, this.slotBits, this.totalBits, this.entries);
    this.buffer = new SharedArrayBuffer(bytes);
    this.words = new Uint32Array(this.buffer);
    this.slotBits = slotBits;
    this.shift = 32 - slotBits;
    this.slotMask = 2 ** slotBits - 1;
    this.growAt = Math.floor(2 ** slotBits * GROW_LOAD);
    this.entries = 0;
    this.addTable(old);
  }
}

/** Variant (b): one table every participant counts into at once, with atomics. */
export class SharedKeyCountTable extends KeyCountSlots {
  /** [0]: keys published by participants. In its own buffer, away from the slots' cache lines. */
  private readonly control: Int32Array;
  private readonly maxEntries: number;
  private readonly sizeBatch: number;
  /** Insertions of this participant not yet published to the shared size. */
  private pendingInsertions = 0;

  private constructor(
    buffer: SharedArrayBuffer,
    readonly controlBuffer: SharedArrayBuffer,
    slotBits: number,
    totalBits: number,
    readonly memoryBudgetBytes: number,
  ) {
    super(buffer, slotBits, totalBits);
    this.control = new Int32Array(controlBuffer);
    // Participants publish in batches, so the size can lag by one batch per participant: the batch is small enough
    // that even then a quarter of the slots stays free and probing always ends.
    const slots = 2 ** slotBits;
    this.maxEntries = Math.floor(slots * SHARED_MAX_LOAD);
    this.sizeBatch = Math.max(1, Math.min(SIZE_BATCH, Math.floor((slots - this.maxEntries) / (2 * MAX_PARTICIPANTS))));
  }

  /**
   * A table sized by the memory budget: the most slots (a power of two) that fit `memoryBudgetBytes`, but never
   * more than twice the number of possible keys (2^totalBits), so small key spaces cannot overflow at all.
   */
  static create(totalBits: number, memoryBudgetBytes: number): SharedKeyCountTable {
    const perSlot = bytesPerSlot(totalBits);
    let slotBits = MIN_SLOT_BITS;
    while (slotBits < MAX_SLOT_BITS && 2 ** (slotBits + 1) * perSlot <= memoryBudgetBytes && slotBits < totalBits + 1) slotBits++;
    return new SharedKeyCountTable(
      new SharedArrayBuffer(2 ** slotBits * perSlot),
      new SharedArrayBuffer(8),
      slotBits,
      totalBits,
      memoryBudgetBytes,
    );
  }

  static attach(state: SharedKeyCountTableState): SharedKeyCountTable {
    return new SharedKeyCountTable(state.buffer, state.controlBuffer, state.slotBits, state.totalBits, state.memoryBudgetBytes);
  }

  /** Keys published so far (exact once every participant has called `publish`). */
  get size(): number {
    return Atomics.load(this.control, 0);
  }

  /** True when every possible key fits: no overflow check is needed. */
  private get holdsEveryKey(): boolean {
    return this.totalBits < this.slotBits;
  }

  state(): SharedKeyCountTableState {
    return {
      buffer: this.buffer,
      controlBuffer: this.controlBuffer,
      slotBits: this.slotBits,
      totalBits: this.totalBits,
      memoryBudgetBytes: this.memoryBudgetBytes,
      size: this.size,
    };
  }

  /** Adds one to every key of a row. */
  addKeys(keys: KeyList): void {
    if (keys.wide) {
      const high = keys.high;
      const low = keys.low;
      for (let index = 0; index < keys.count; index++) this.addOne(high[index]!, low[index]!);
    } else {
      const values = keys.values;
      for (let index = 0; index < keys.count; index++) {
        const key = values[index]!;
        this.addOne((key / TWO_POW_32) >>> 0, key >>> 0);
      }
    }
  }

  /** Adds one to the count of key (high, low). */
  addOne(high: number, low: number): void {
    const words = this.words;
    const mask = this.slotMask;
    const stride = this.stride;
    const countOffset = stride - 1;
    let slot = hashHalves(high, low) >>> this.shift;
    for (;;) {
      const at = slot * stride;
      let count = Atomics.load(words, at + countOffset);
      if (count === 0) {
        if (Atomics.compareExchange(words, at + countOffset, 0, CLAIMING) === 0) {
          if (stride === 2) {
            words[at] = low;
          } else {
            words[at] = high;
            words[at + 1] = low;
          }
          Atomics.store(words, at + countOffset, 1);
          if (++this.pendingInsertions >= this.sizeBatch) this.publish();
          return;
        }
        count = Atomics.load(words, at + countOffset);
      }
      // Another thread is writing this slot's key: it finishes within a few instructions.
      while (count === CLAIMING) count = Atomics.load(words, at + countOffset);
      if (stride === 2 ? words[at] === low : words[at + 1] === low && words[at] === high) {
        Atomics.add(words, at + countOffset, 1);
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Publishes this participant's insertions; throws when the table is over its safe load. */
  publish(): void {
    const pending = this.pendingInsertions;
    if (pending === 0) return;
    this.pendingInsertions = 0;
    const size = Atomics.add(this.control, 0, pending) + pending;
    if (!this.holdsEveryKey && size > this.maxEntries) throw countTableOverflow(size, this.memoryBudgetBytes);
  }
}

export interface SharedKeyCountTableState extends KeyCountTableState {
  readonly controlBuffer: SharedArrayBuffer;
  readonly memoryBudgetBytes: number;
}

export function countTableOverflow(keys: number, budgetBytes: number): KmerSearchError {
  return new KmerSearchError(SqlState.outOfMemory, 'out of memory for the high-frequency k-mer analysis', {
    detail: `More than ${keys} distinct k-mers do not fit in the count tables allowed by maintenance_work_mem (${Math.floor(budgetBytes / 1024)} kB).`,
    hint: 'Increase maintenance_work_mem.',
  });
}
