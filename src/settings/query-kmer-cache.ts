/**
 * The query-k-mer cache (core §5.1 with deviations F1 and F14): query text → its sorted, distinct keys, so
 * that a query evaluated against every row of a table is decomposed once. Keyed on the exact text and on
 * both k and b (F1: the reference forgot b and served stale keys). Least-recently-used eviction with the
 * capacity captured at creation, as in the reference. Every lookup counts exactly one hit or one miss
 * (F14: the reference counted a phantom hit after storing a miss).
 */
import type { SortedKeys } from '../kmer/keys.js';
import type { CacheStatistics } from './cache-statistics.js';

export class QueryKmerCache {
  readonly maxEntries: number;
  private hitCount = 0;
  private missCount = 0;
  /** Map iteration order is insertion order: the first entry is the least recently used. */
  private readonly entries = new Map<string, SortedKeys>();
  /**
   * The last key built, for the same query text object: a scan looks the same text up once per row, and
   * building `k:b:text` anew each time would copy and hash the whole text per row (seconds per 1,000 rows for a
   * 10 Mbp query). The remembered key string keeps its hash, so a repeated lookup costs O(1).
   */
  private lastKey: { readonly text: string; readonly kmerSize: number; readonly occurrenceBits: number; readonly key: string } | undefined;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  /**
   * The keys of `queryText` under (kmerSize, occurrenceBits), extracting them on a miss. A miss counts before
   * extraction, so an extraction error still counts as a miss (as in the reference). Arrays with no keys
   * are not stored: such texts are re-extracted, and counted as a miss, every time.
   */
  lookup(
    queryText: string,
    kmerSize: number,
    occurrenceBits: number,
    extract: () => SortedKeys,
  ): SortedKeys {
    const last = this.lastKey;
    let key: string;
    if (last !== undefined && last.text === queryText && last.kmerSize === kmerSize && last.occurrenceBits === occurrenceBits) {
      key = last.key;
    } else {
      key = `${kmerSize}:${occurrenceBits}:${queryText}`;
      this.lastKey = { text: queryText, kmerSize, occurrenceBits, key };
    }
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.hitCount++;
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    this.missCount++;
    const keys = extract();
    if (keys.count > 0) {
      while (this.entries.size >= this.maxEntries) {
        const leastRecentlyUsed = this.entries.keys().next();
        if (leastRecentlyUsed.done === true) break;
        this.entries.delete(leastRecentlyUsed.value);
      }
      this.entries.set(key, keys);
    }
    return keys;
  }

  get currentEntries(): number {
    return this.entries.size;
  }

  statistics(): CacheStatistics {
    return {
      hits: this.hitCount,
      misses: this.missCount,
      currentEntries: this.entries.size,
      maxEntries: this.maxEntries,
    };
  }
}
