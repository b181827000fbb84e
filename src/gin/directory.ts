/**
 * Where the pages of an index are: LMDB keys and the in-memory directory of page first keys.
 *
 * A page's LMDB key is `[storageId u32][first key u64]` (big-endian, so pages sort by key), with a `[chunk u32]`
 * suffix when the page starts with a continuation chunk of a long posting list (the key's first chunk is the page
 * without suffix, which sorts first). The directory holds every page's (first key, chunk) in sorted typed arrays,
 * so finding a key's page is a binary search and one LMDB read.
 *
 * Pages under a storage id never change once written (a rebuild or merge writes a new storage id), so a
 * directory is cached per (open database, storage id) without invalidation: a change of the index is a change of
 * its storage id. The cache is bounded (least recently used out).
 */
import type { IndexDataReader } from '../storage/index.js';
import { KeyFilter } from './key-filter.js';

const maxCachedDirectories = 64;

/** First key (exclusive end: next id) of everything under `spaceId` in the `gin` sub-database. */
export function spaceStart(spaceId: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeUInt32BE(spaceId, 0);
  return key;
}

export function spaceEnd(spaceId: number): Buffer {
  // Ids come from a counter far below 2^32 − 1; a 5-byte key still sorts after every key of the last id.
  if (spaceId >= 0xffffffff) return Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]);
  return spaceStart(spaceId + 1);
}

export function pageKey(storageId: number, high: number, low: number, chunk: number): Buffer {
  const key = Buffer.allocUnsafe(chunk === 0 ? 12 : 16);
  key.writeUInt32BE(storageId, 0);
  key.writeUInt32BE(high, 4);
  key.writeUInt32BE(low, 8);
  if (chunk !== 0) key.writeUInt32BE(chunk, 12);
  return key;
}

export class PageDirectory {
  /** The index's key filter: undefined until loaded, null when the index has none. */
  filter: KeyFilter | null | undefined;
  /** Slot of each page in the thread's PageCache (−1 or absent: not cached). */
  readonly cachedSlots: Int32Array;
  /** Reused key buffers: lmdb-js copies a key before the read returns. */
  private readonly plainKey = Buffer.alloc(12);
  private readonly chunkKey = Buffer.alloc(16);

  constructor(
    readonly storageId: number,
    readonly count: number,
    readonly firstHigh: Uint32Array,
    readonly firstLow: Uint32Array,
    readonly chunk: Uint32Array,
  ) {
    this.plainKey.writeUInt32BE(storageId, 0);
    this.chunkKey.writeUInt32BE(storageId, 0);
    this.cachedSlots = new Int32Array(count).fill(-1);
  }

  /** Reads the page keys of a storage (keys only: the pages' bytes are not touched). */
  static load(reader: IndexDataReader, storageId: number): PageDirectory {
    let capacity = 1024;
    let high: Uint32Array = new Uint32Array(capacity);
    let low: Uint32Array = new Uint32Array(capacity);
    let chunk: Uint32Array = new Uint32Array(capacity);
    let count = 0;
    for (const key of reader.indexKeys(spaceStart(storageId), spaceEnd(storageId))) {
      // The key filter's entry (the storage id alone) is not a page.
      if (key.byteLength < 12) continue;
      if (count === capacity) {
        capacity *= 2;
        high = grow(high, capacity);
        low = grow(low, capacity);
        chunk = grow(chunk, capacity);
      }
      const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
      high[count] = view.getUint32(4);
      low[count] = view.getUint32(8);
      chunk[count] = key.byteLength >= 16 ? view.getUint32(12) : 0;
      count++;
    }
    return new PageDirectory(storageId, count, high.slice(0, count), low.slice(0, count), chunk.slice(0, count));
  }

  /** Index of the page that holds the start of key (high, low)'s list if the index has it, or −1. */
  findPage(high: number, low: number): number {
    // Last page whose (first key, chunk) ≤ (key, 0): pages starting with the key itself (chunk 0) included,
    // continuation pages of the key excluded.
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    const firstHigh = this.firstHigh;
    const firstLow = this.firstLow;
    const chunk = this.chunk;
    while (lo <= hi) {
      const middle = (lo + hi) >>> 1;
      const pageHigh = firstHigh[middle]!;
      const pageLow = firstLow[middle]!;
      const notAfter =
        pageHigh < high || (pageHigh === high && (pageLow < low || (pageLow === low && chunk[middle] === 0)));
      if (notAfter) {
        found = middle;
        lo = middle + 1;
      } else {
        hi = middle - 1;
      }
    }
    return found;
  }

  /** The key filter, read on first use (the entry under the storage id alone). */
  keyFilter(reader: IndexDataReader): KeyFilter | null {
    if (this.filter === undefined) {
      const bytes = reader.readIndexEntry(spaceStart(this.storageId));
      this.filter = bytes === undefined ? null : KeyFilter.decode(bytes);
    }
    return this.filter;
  }

  /** Whether page `index` continues the list of key (high, low) from the page before it. */
  continues(index: number, high: number, low: number): boolean {
    return index < this.count && this.chunk[index] !== 0 && this.firstHigh[index] === high && this.firstLow[index] === low;
  }

  /** The LMDB key of page `index` (a reused buffer: valid until the next call). */
  keyOf(index: number): Buffer {
    const chunk = this.chunk[index]!;
    const key = chunk === 0 ? this.plainKey : this.chunkKey;
    key.writeUInt32BE(this.firstHigh[index]!, 4);
    key.writeUInt32BE(this.firstLow[index]!, 8);
    if (chunk !== 0) key.writeUInt32BE(chunk, 12);
    return key;
  }
}

function grow(array: Uint32Array, capacity: number): Uint32Array {
  const grown = new Uint32Array(capacity);
  grown.set(array);
  return grown;
}

/** Per open database (IndexDataReader.cacheScope): storage id → directory, in least-recently-used order. */
const directories = new WeakMap<object, Map<number, PageDirectory>>();

function scopeCache(scope: object): Map<number, PageDirectory> {
  let cache = directories.get(scope);
  if (cache === undefined) {
    cache = new Map();
    directories.set(scope, cache);
  }
  return cache;
}

/** The directory of a storage, from the cache or loaded through `reader`. */
export function pageDirectory(reader: IndexDataReader, storageId: number): PageDirectory {
  const cache = scopeCache(reader.cacheScope);
  let directory = cache.get(storageId);
  if (directory !== undefined) {
    // Map order is insertion order: re-insert to mark as recently used.
    cache.delete(storageId);
    cache.set(storageId, directory);
    return directory;
  }
  directory = PageDirectory.load(reader, storageId);
  rememberDirectory(reader.cacheScope, directory);
  return directory;
}

/** Caches a directory the caller built itself (a bulk build knows its pages without reading them back). */
export function rememberDirectory(scope: object, directory: PageDirectory): void {
  const cache = scopeCache(scope);
  cache.delete(directory.storageId);
  cache.set(directory.storageId, directory);
  while (cache.size > maxCachedDirectories) {
    const oldest = cache.keys().next().value as number;
    cache.delete(oldest);
  }
}

/** Drops a cached directory (its storage was discarded). */
export function forgetDirectory(scope: object, storageId: number): void {
  directories.get(scope)?.delete(storageId);
}

/** Slots of a PageCache are allocated in segments of this many bytes, as pages come in. */
const segmentBytes = 1024 * 1024;

/**
 * Recently read pages in memory, per thread, within a byte budget. lmdb-js costs about a microsecond per read
 * whatever the page size (measured: 0.8–1.0 µs for 2–8 KiB values) and a search reads one page per query key,
 * so without a cache an index search spends most of its time in reads. Pages never change under a storage id,
 * so a cached page never goes stale.
 *
 * The cache is fixed slots (one page each, a page is at most `slotBytes`) in segments of a megabyte, allocated as
 * pages come in (memory grows to what the searches touch, at most the budget), then reused with the CLOCK
 * algorithm: no allocation per page (a first version that copied every page into a new array spent more in
 * garbage collection than it saved in reads once the index no longer fit).
 */
export class PageCache {
  private readonly segments: Uint8Array[] = [];
  private readonly slotsPerSegment: number;
  private readonly slotCount: number;
  /** Slots handed out so far (the cache fills them in order before it starts evicting). */
  private usedSlots = 0;
  /** Per slot: the page it holds (directory and page index), a view of its bytes, and a recently-used bit. */
  private readonly owners: (PageDirectory | undefined)[];
  private readonly ownerPages: Int32Array;
  private readonly views: (Uint8Array | undefined)[];
  private readonly referenced: Uint8Array;
  private hand = 0;

  constructor(
    readonly maxBytes: number,
    readonly slotBytes = 8192,
  ) {
    this.slotCount = Math.max(0, Math.floor(maxBytes / slotBytes));
    this.slotsPerSegment = Math.max(1, Math.floor(segmentBytes / slotBytes));
    this.owners = new Array<PageDirectory | undefined>(this.slotCount);
    this.ownerPages = new Int32Array(this.slotCount);
    this.views = new Array<Uint8Array | undefined>(this.slotCount);
    this.referenced = new Uint8Array(this.slotCount);
  }

  /** Bytes of slot memory allocated so far. */
  get allocatedBytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.byteLength, 0);
  }

  get(directory: PageDirectory, index: number): Uint8Array | undefined {
    const slot = directory.cachedSlots[index];
    if (slot === undefined || slot < 0 || slot >= this.slotCount) return undefined;
    // Directories are shared by the caches of every handle of a process: the slot must be this cache's, too.
    if (this.owners[slot] !== directory || this.ownerPages[slot] !== index) return undefined;
    this.referenced[slot] = 1;
    return this.views[slot];
  }

  /** Copies `page` (which may be a transient buffer) into the cache; returns the cached bytes, or `page` itself. */
  put(directory: PageDirectory, index: number, page: Uint8Array): Uint8Array {
    if (this.slotCount === 0 || page.length > this.slotBytes) return page;
    const slot = this.usedSlots < this.slotCount ? this.usedSlots++ : this.evict();
    const previous = this.owners[slot];
    if (previous !== undefined && previous.cachedSlots[this.ownerPages[slot]!] === slot) previous.cachedSlots[this.ownerPages[slot]!] = -1;
    const segment = Math.floor(slot / this.slotsPerSegment);
    if (segment === this.segments.length) {
      const slots = Math.min(this.slotsPerSegment, this.slotCount - segment * this.slotsPerSegment);
      this.segments.push(new Uint8Array(slots * this.slotBytes));
    }
    const start = (slot - segment * this.slotsPerSegment) * this.slotBytes;
    const bytes = this.segments[segment]!;
    bytes.set(page, start);
    const view = bytes.subarray(start, start + page.length);
    this.owners[slot] = directory;
    this.ownerPages[slot] = index;
    this.views[slot] = view;
    this.referenced[slot] = 1;
    directory.cachedSlots[index] = slot;
    return view;
  }

  /** CLOCK: pass over slots used since the last pass, clearing their bit; the first unused one is taken. */
  private evict(): number {
    while (this.referenced[this.hand] === 1) {
      this.referenced[this.hand] = 0;
      this.hand = this.hand + 1 === this.slotCount ? 0 : this.hand + 1;
    }
    const slot = this.hand;
    this.hand = slot + 1 === this.slotCount ? 0 : slot + 1;
    return slot;
  }
}
