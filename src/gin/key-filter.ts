/**
 * A membership filter of an index's keys, so that a search skips the page read for keys the index does not have.
 * Query reads carry sequencing errors and degenerate codes: on the 20 Mbp workload 38 % of the query keys are in
 * no row, and each would otherwise cost a page read (about a microsecond in lmdb-js).
 *
 * It is a blocked Bloom filter split by page: page p owns `blocksPerPage` blocks of 512 bits, and a key sets
 * `hashesPerKey` bits in one block of its own page (the page the directory finds for it). So the build writes the
 * filter sequentially, page after page, while the pages are made (a first version hashed keys over one global
 * array: 100 ns of cache misses per key, +2 s on a 20 Mbp build), and a search probes one block after the
 * directory lookup it does anyway. About 2 % false positives at 8 bits per key.
 *
 * Stored with the pages under the storage id (LMDB key: the 4-byte storage id alone, which sorts before every
 * page) and, like them, never changed afterwards. Layout: `u8 version (2) · u8 hashes · u16 blocks per page ·
 * u32 pages`, then the blocks, 16 little-endian uint32 words each (host order on the platforms Node supports).
 */
import { KmerSearchError, SqlState } from '../errors.js';

const blockWords = 16;
const blockBits = blockWords * 32;
const headerBytes = 8;
export const keyFilterBitsPerKey = 8;
/** Keys a page holds when most lists have one row (8,168 bytes at about 5 bytes per key). */
const keysPerFullPage = 1600;
const hashesPerKey = 5;
const formatVersion = 2;

function mixLow(high: number, low: number): number {
  let hash = Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1);
  hash ^= hash >>> 15;
  return Math.imul(hash, 0x2c1b3c6d) >>> 0;
}

function mixHigh(high: number, low: number): number {
  let hash = Math.imul(high ^ Math.imul(low, 0xcc9e2d51), 0x1b873593);
  hash ^= hash >>> 13;
  return Math.imul(hash, 0x297a2d39) >>> 0;
}

export class KeyFilter {
  private words: Uint32Array;
  private pages: number;

  private constructor(
    readonly blocksPerPage: number,
    words: Uint32Array,
    pages: number,
  ) {
    this.words = words;
    this.pages = pages;
  }

  /** An empty filter with about `bitsPerKey` bits per key of a full page (pages are added as keys arrive). */
  static withBitsPerKey(bitsPerKey: number): KeyFilter {
    const blocksPerPage = Math.max(1, Math.round((bitsPerKey * keysPerFullPage) / blockBits));
    return new KeyFilter(blocksPerPage, new Uint32Array(blocksPerPage * blockWords * 64), 0);
  }

  /** A filter from its stored bytes (copied, so a transient buffer may be passed). */
  static decode(bytes: Uint8Array): KeyFilter {
    if (bytes.length < headerBytes || bytes[0] !== formatVersion || bytes[1] !== hashesPerKey) {
      throw new KmerSearchError(SqlState.dataCorrupted, 'index key filter is corrupt: bad header');
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const blocksPerPage = view.getUint16(2, true);
    const pages = view.getUint32(4, true);
    const wordCount = pages * blocksPerPage * blockWords;
    if (blocksPerPage === 0 || bytes.length !== headerBytes + wordCount * 4) {
      throw new KmerSearchError(SqlState.dataCorrupted, 'index key filter is corrupt: bad length');
    }
    const words = new Uint32Array(wordCount);
    new Uint8Array(words.buffer).set(bytes.subarray(headerBytes));
    return new KeyFilter(blocksPerPage, words, pages);
  }

  encode(): Uint8Array {
    const wordCount = this.pages * this.blocksPerPage * blockWords;
    const bytes = new Uint8Array(headerBytes + wordCount * 4);
    bytes[0] = formatVersion;
    bytes[1] = hashesPerKey;
    const view = new DataView(bytes.buffer);
    view.setUint16(2, this.blocksPerPage, true);
    view.setUint32(4, this.pages, true);
    bytes.set(new Uint8Array(this.words.buffer, 0, wordCount * 4), headerBytes);
    return bytes;
  }

  /** Bytes of the stored filter. */
  get byteLength(): number {
    return headerBytes + this.pages * this.blocksPerPage * blockWords * 4;
  }

  /** Records that page `page` holds the key (pages are added in order, from 0). */
  add(page: number, high: number, low: number): void {
    if (page >= this.pages) this.addPages(page + 1);
    const words = this.words;
    const base = (page * this.blocksPerPage + Math.floor((mixLow(high, low) * this.blocksPerPage) / 4294967296)) * blockWords;
    const probe = mixHigh(high, low);
    const step = (probe >>> 16) | 1;
    for (let index = 0; index < hashesPerKey; index++) {
      const bit = (probe + index * step) & (blockBits - 1);
      words[base + (bit >>> 5)]! |= 1 << (bit & 31);
    }
  }

  /** False only when page `page` was never given the key. */
  mayContain(page: number, high: number, low: number): boolean {
    if (page >= this.pages) return true;
    const words = this.words;
    const base = (page * this.blocksPerPage + Math.floor((mixLow(high, low) * this.blocksPerPage) / 4294967296)) * blockWords;
    const probe = mixHigh(high, low);
    const step = (probe >>> 16) | 1;
    for (let index = 0; index < hashesPerKey; index++) {
      const bit = (probe + index * step) & (blockBits - 1);
      if ((words[base + (bit >>> 5)]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  private addPages(pages: number): void {
    const needed = pages * this.blocksPerPage * blockWords;
    if (needed > this.words.length) {
      const grown = new Uint32Array(Math.max(needed, this.words.length * 2));
      grown.set(this.words);
      this.words = grown;
    }
    this.pages = pages;
  }
}
