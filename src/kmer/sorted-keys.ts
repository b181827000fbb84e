/**
 * SortedKeys: the immutable, sorted, distinct key list used for queries, caches and index lookups.
 * Sorting uses the engines' native numeric typed-array sort: Float64Array for narrow keys, and for wide keys a
 * BigUint64Array written through a Uint32Array view of the same memory, so no BigInt value is ever created.
 */
import type { KeyLayout, KeyList, SortedKeys } from './keys.js';

/** Word order of a uint64 inside a Uint32Array view, fixed by the host's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Index of a key's low (high) half within its two words in a Uint32Array view of a BigUint64Array. */
export const LOW_WORD = LITTLE_ENDIAN ? 0 : 1;
export const HIGH_WORD = LITTLE_ENDIAN ? 1 : 0;

/** The empty key list of a layout. */
export function emptySortedKeys(layout: KeyLayout): SortedKeys {
  return layout.wide
    ? Object.freeze({ layout, wide: true, count: 0, high: new Uint32Array(0), low: new Uint32Array(0) })
    : Object.freeze({ layout, wide: false, count: 0, values: new Float64Array(0) });
}

/**
 * A sorted, distinct copy of `keys` (which may be an extractor's reusable view). The typed arrays are owned by
 * the result and have exactly `count` elements; callers must treat them as read-only.
 *
 * `reuseArrays`: the arrays of `keys` belong to the caller alone (KeyExtractor.releaseLastResult), so they are
 * sorted in place and become the result's, instead of a second copy of a long input's keys.
 */
export function toSortedKeys(keys: KeyList, reuseArrays = false): SortedKeys {
  const count = keys.count;
  if (!keys.wide) {
    const sorted = reuseArrays ? keys.values.subarray(0, count) : keys.values.slice(0, count);
    const distinct = dedupeSorted(sorted.sort());
    return Object.freeze({ layout: keys.layout, wide: false, count: distinct.length, values: reuseArrays ? compacted(distinct) : distinct });
  }
  const combined = new BigUint64Array(count);
  const words = new Uint32Array(combined.buffer);
  const { high, low } = keys;
  for (let i = 0; i < count; i++) {
    words[2 * i + LOW_WORD] = low[i]!;
    words[2 * i + HIGH_WORD] = high[i]!;
  }
  combined.sort();
  const sortedHigh = reuseArrays ? high : new Uint32Array(count);
  const sortedLow = reuseArrays ? low : new Uint32Array(count);
  let distinct = 0;
  for (let i = 0; i < count; i++) {
    const keyLow = words[2 * i + LOW_WORD]!;
    const keyHigh = words[2 * i + HIGH_WORD]!;
    if (distinct > 0 && sortedLow[distinct - 1] === keyLow && sortedHigh[distinct - 1] === keyHigh) continue;
    sortedHigh[distinct] = keyHigh;
    sortedLow[distinct++] = keyLow;
  }
  return Object.freeze({
    layout: keys.layout,
    wide: true,
    count: distinct,
    high: reuseArrays ? compacted(sortedHigh.subarray(0, distinct)) : distinct === count ? sortedHigh : sortedHigh.slice(0, distinct),
    low: reuseArrays ? compacted(sortedLow.subarray(0, distinct)) : distinct === count ? sortedLow : sortedLow.slice(0, distinct),
  });
}

/** Keys of one extraction are already distinct, but a SortedKeys must be distinct whatever its source. */
function dedupeSorted(sorted: Float64Array): Float64Array {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    const key = sorted[i]!;
    if (distinct > 0 && sorted[distinct - 1] === key) continue;
    sorted[distinct++] = key;
  }
  return distinct === sorted.length ? sorted : sorted.slice(0, distinct);
}

/**
 * A reused array itself, or a copy of exactly its size when its buffer is over twice that (the long-input path's
 * buffers have room for every window's value; dropped occurrences leave it unused): a SortedKeys may live long
 * (the query-k-mer cache) and be posted to worker threads, which copies the whole buffer of a view.
 */
function compacted<Keys extends Float64Array | Uint32Array>(keys: Keys): Keys {
  return keys.buffer.byteLength > 2 * keys.byteLength ? (keys.slice() as Keys) : keys;
}

/** Unsigned comparison of key i of `a` with key j of `b` (same layout): negative, zero or positive. */
export function compareKeys(a: KeyList, i: number, b: KeyList, j: number): number {
  if (!a.wide && !b.wide) return a.values[i]! - b.values[j]!;
  if (a.wide && b.wide) {
    const highDifference = a.high[i]! - b.high[j]!;
    return highDifference !== 0 ? highDifference : a.low[i]! - b.low[j]!;
  }
  throw new TypeError('compareKeys: key lists of different layouts');
}
