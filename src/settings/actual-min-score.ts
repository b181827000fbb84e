/**
 * The actual minimum score ("ams", SPEC §4) and its session cache (core §5.2 with deviations F2 and F14).
 *
 * The reference keys the cache by a 64-bit polynomial hash of the key array alone, without verification, so
 * [0, 256] and [256] (hash 256 both) share a threshold. Here an entry is found only when the key array is
 * equal element for element and the settings the value depends on are equal too; the hash only picks the
 * bucket. The capacity (`actual_min_score_cache_max_entries` when the cache was created) is enforced with
 * least-recently-used eviction, which the reference reports but never enforces.
 */
import type { SortedKeys } from '../kmer/keys.js';
import { actualMinScore } from '../kmer/match.js';
import type { CacheStatistics } from './cache-statistics.js';

/**
 * ams = max(min_score, ceil(min_shared_kmer_rate × |Q|)), and with high-frequency exclusion max(1, that − |H|):
 * src/kmer's actualMinScore, in the positional form the cache and its tests use.
 */
export function computeActualMinScore(
  minScore: number,
  minSharedKmerRate: number,
  queryKeyCount: number,
  excludedKeyCount?: number,
): number {
  return actualMinScore({ minScore, minSharedKmerRate }, queryKeyCount, excludedKeyCount);
}

/** What, besides the key array, an ams depends on. */
export interface ActualMinScoreInputs {
  readonly minScore: number;
  readonly minSharedKmerRate: number;
  /** Present when high-frequency exclusion applies to the query. */
  readonly exclusion?: HighFrequencyExclusion | undefined;
}

export interface HighFrequencyExclusion {
  /**
   * Identifies the high-frequency key set (e.g. the analysis of table, column, k, b and its run), so that an
   * entry computed under one analysis is never reused under another.
   */
  readonly identity: string;
  /** |H|: how many of the query's keys are in that set. */
  readonly excludedKeyCount: number;
}

interface CacheEntry {
  readonly hash: number;
  readonly keys: SortedKeys;
  readonly inputsKey: string;
  readonly value: number;
}

const TWO_TO_32 = 4294967296;

/** murmur3's 32-bit finaliser: spreads the bits of the running hash over the bucket space. */
function finalizeHash(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

function mixWord(hash: number, word: number): number {
  return Math.imul((hash ^ word) >>> 0, 0x01000193) ^ (hash >>> 15);
}

/**
 * The hash state after mixing in a key array, remembered per array: a scan looks the same SortedKeys up once per
 * row, and re-hashing every key per row would cost O(|Q|) each time (seconds per 1,000 rows for a 10 Mbp query).
 * SortedKeys are never modified, so the remembered state stays valid.
 */
const keysHashStates = new WeakMap<SortedKeys, number>();

function keysHashState(keys: SortedKeys): number {
  const remembered = keysHashStates.get(keys);
  if (remembered !== undefined) return remembered;
  let hash = 0x811c9dc5;
  hash = mixWord(hash, keys.layout.kmerSize * 64 + keys.layout.occurrenceBits);
  hash = mixWord(hash, keys.count);
  if (keys.wide) {
    for (let index = 0; index < keys.count; index++) {
      hash = mixWord(hash, keys.high[index] ?? 0);
      hash = mixWord(hash, keys.low[index] ?? 0);
    }
  } else {
    for (let index = 0; index < keys.count; index++) {
      const value = keys.values[index] ?? 0;
      hash = mixWord(hash, value % TWO_TO_32 >>> 0);
      hash = mixWord(hash, (value / TWO_TO_32) >>> 0);
    }
  }
  keysHashStates.set(keys, hash);
  return hash;
}

function hashKeys(keys: SortedKeys, inputsKey: string): number {
  let hash = keysHashState(keys);
  for (let index = 0; index < inputsKey.length; index++) hash = mixWord(hash, inputsKey.charCodeAt(index));
  return finalizeHash(hash);
}

function sameKeys(left: SortedKeys, right: SortedKeys): boolean {
  if (left === right) return true;
  if (
    left.count !== right.count ||
    left.layout.kmerSize !== right.layout.kmerSize ||
    left.layout.occurrenceBits !== right.layout.occurrenceBits
  ) {
    return false;
  }
  if (left.wide && right.wide) {
    for (let index = 0; index < left.count; index++) {
      if (left.high[index] !== right.high[index] || left.low[index] !== right.low[index]) return false;
    }
    return true;
  }
  if (!left.wide && !right.wide) {
    for (let index = 0; index < left.count; index++) {
      if (left.values[index] !== right.values[index]) return false;
    }
    return true;
  }
  return false;
}

function inputsKeyOf(inputs: ActualMinScoreInputs): string {
  const exclusion =
    inputs.exclusion === undefined ? '-' : `${inputs.exclusion.excludedKeyCount}:${inputs.exclusion.identity}`;
  return `${inputs.minScore}:${inputs.minSharedKmerRate}:${exclusion}`;
}

export class ActualMinScoreCache {
  readonly maxEntries: number;
  private hitCount = 0;
  private missCount = 0;
  private readonly buckets = new Map<number, CacheEntry[]>();
  /** Set iteration order is insertion order: the first entry is the least recently used. */
  private readonly recency = new Set<CacheEntry>();

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  /** The ams of `queryKeys` under `inputs`: one hit if an equal array was seen under equal inputs, else one miss. */
  lookup(queryKeys: SortedKeys, inputs: ActualMinScoreInputs): number {
    const inputsKey = inputsKeyOf(inputs);
    const hash = hashKeys(queryKeys, inputsKey);
    const bucket = this.buckets.get(hash);
    if (bucket !== undefined) {
      for (const entry of bucket) {
        if (entry.inputsKey === inputsKey && sameKeys(entry.keys, queryKeys)) {
          this.hitCount++;
          this.recency.delete(entry);
          this.recency.add(entry);
          return entry.value;
        }
      }
    }
    this.missCount++;
    const value = computeActualMinScore(
      inputs.minScore,
      inputs.minSharedKmerRate,
      queryKeys.count,
      inputs.exclusion?.excludedKeyCount,
    );
    while (this.recency.size >= this.maxEntries) this.evictLeastRecentlyUsed();
    const entry: CacheEntry = { hash, keys: queryKeys, inputsKey, value };
    this.recency.add(entry);
    const target = this.buckets.get(hash);
    if (target === undefined) this.buckets.set(hash, [entry]);
    else target.push(entry);
    return value;
  }

  private evictLeastRecentlyUsed(): void {
    const oldest = this.recency.values().next();
    if (oldest.done === true) return;
    const entry = oldest.value;
    this.recency.delete(entry);
    const bucket = this.buckets.get(entry.hash);
    if (bucket === undefined) return;
    const remaining = bucket.filter((candidate) => candidate !== entry);
    if (remaining.length === 0) this.buckets.delete(entry.hash);
    else this.buckets.set(entry.hash, remaining);
  }

  get currentEntries(): number {
    return this.recency.size;
  }

  statistics(): CacheStatistics {
    return {
      hits: this.hitCount,
      misses: this.missCount,
      currentEntries: this.recency.size,
      maxEntries: this.maxEntries,
    };
  }
}
