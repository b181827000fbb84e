/**
 * The per-thread page cache (src/gin/directory.ts): slots taken as pages come in, CLOCK once full, and a slot is
 * served only for the page it holds — directories are shared by every cache of a process (one per handle).
 */
import { describe, expect, it } from 'vitest';
import { PageCache, PageDirectory } from '../../src/gin/index.js';

const directoryOf = (storageId: number, pages: number): PageDirectory =>
  new PageDirectory(storageId, pages, new Uint32Array(pages), Uint32Array.from({ length: pages }, (_, index) => index), new Uint32Array(pages));
const page = (fill: number, length = 100): Uint8Array => new Uint8Array(length).fill(fill);

describe('PageCache', () => {
  it('allocates slot memory in segments as pages come in, never beyond its budget', () => {
    const cache = new PageCache(3 * 1024 * 1024);
    const directory = directoryOf(1, 400);
    expect(cache.allocatedBytes).toBe(0);
    cache.put(directory, 0, page(1));
    expect(cache.allocatedBytes).toBe(1024 * 1024);
    for (let index = 1; index < 400; index++) cache.put(directory, index, page(index & 0xff));
    // 384 slots of 8 KiB fit the budget: three segments, then the cache evicts instead of growing.
    expect(cache.allocatedBytes).toBe(3 * 1024 * 1024);
    expect(cache.get(directory, 399)).toEqual(page(399 & 0xff));
  });

  it('keeps pages by CLOCK: a page used since the last pass stays, the first unused one goes', () => {
    const cache = new PageCache(2 * 8192, 8192);
    const directory = directoryOf(1, 3);
    cache.put(directory, 0, page(10));
    cache.put(directory, 1, page(11));
    // Both slots are referenced: the hand clears both bits and takes slot 0 (page 0).
    cache.put(directory, 2, page(12));
    expect(cache.get(directory, 0)).toBeUndefined();
    expect(cache.get(directory, 1)).toEqual(page(11));
    expect(cache.get(directory, 2)).toEqual(page(12));
  });

  it('never serves another cache’s page when two caches share a directory', () => {
    const first = new PageCache(4 * 8192, 8192);
    const second = new PageCache(4 * 8192, 8192);
    const directory = directoryOf(7, 4);
    first.put(directory, 0, page(1));
    first.put(directory, 1, page(2));
    // The second cache puts page 3 into its slot 0; the directory now names slot 0 for page 3.
    second.put(directory, 3, page(4));
    expect(second.get(directory, 3)).toEqual(page(4));
    // In the first cache, slot 0 holds page 0, not page 3.
    expect(first.get(directory, 3)).toBeUndefined();
    expect(first.get(directory, 1)).toEqual(page(2));
    expect(second.get(directory, 1)).toBeUndefined();
  });

  it('returns the page itself, uncached, when the budget is 0 or the page does not fit a slot', () => {
    const directory = directoryOf(1, 2);
    const none = new PageCache(0);
    const bytes = page(5);
    expect(none.put(directory, 0, bytes)).toBe(bytes);
    expect(none.get(directory, 0)).toBeUndefined();
    const small = new PageCache(8192, 64);
    expect(small.put(directory, 1, bytes)).toBe(bytes);
    expect(small.allocatedBytes).toBe(0);
  });
});
