/**
 * The per-handle session state the SQL layer talks to: the settings plus the two caches that depend on
 * them. It owns the caches' lifetimes — created lazily on first use with the capacity setting of that
 * moment, freed by the stats/free functions and by the assign hooks of the settings they depend on — so
 * that `kmersearch_*_cache_stats()` and `kmersearch_cache_summary` report what the reference reports.
 * Key extraction is injected, keeping this folder independent of how src/kmer extracts keys.
 */
import type { KeyLayout, SortedKeys } from '../kmer/keys.js';
import { ActualMinScoreCache, computeActualMinScore, type HighFrequencyExclusion } from './actual-min-score.js';
import {
  ABSENT_CACHE_STATISTICS,
  type CacheStatistics,
  type CacheSummaryRow,
  cacheSummaryRow,
} from './cache-statistics.js';
import { QueryKmerCache } from './query-kmer-cache.js';
import { Settings } from './settings.js';
import { BUILD_NUMBER, describeSimdCapability } from './simd.js';

/** Extracts the sorted, distinct keys of a query text (reference core §2); throws the reference's errors. */
export type QueryKeyExtractor = (queryText: string, layout: KeyLayout) => SortedKeys;

/** Builds the key layout for (k, b), throwing the reference's validation errors (e.g. 2k + b > 64). */
export type KeyLayoutFactory = (kmerSize: number, occurrenceBits: number) => KeyLayout;

export interface SessionOptions {
  readonly extractQueryKeys: QueryKeyExtractor;
  /**
   * Called only on a cache miss, so that an invalid (k, b) counts a miss before failing, as in the
   * reference. Defaults to an unvalidated layout; wire src/kmer's keyLayout here.
   */
  readonly keyLayout?: KeyLayoutFactory;
  /** Shared settings object; a fresh one with defaults when omitted. */
  readonly settings?: Settings;
}

const MAX_NARROW_KEY_BITS = 53;

function unvalidatedKeyLayout(kmerSize: number, occurrenceBits: number): KeyLayout {
  const totalBits = 2 * kmerSize + occurrenceBits;
  return { kmerSize, occurrenceBits, totalBits, wide: totalBits > MAX_NARROW_KEY_BITS };
}

export class Session {
  readonly settings: Settings;
  private readonly extractQueryKeys: QueryKeyExtractor;
  private readonly keyLayout: KeyLayoutFactory;
  private queryKmerCache: QueryKmerCache | undefined;
  private actualMinScoreCache: ActualMinScoreCache | undefined;
  private readonly unsubscribe: () => void;

  constructor(options: SessionOptions) {
    this.settings = options.settings ?? new Settings();
    this.extractQueryKeys = options.extractQueryKeys;
    this.keyLayout = options.keyLayout ?? unvalidatedKeyLayout;
    this.unsubscribe = this.settings.onAssign((assignment) => {
      if (assignment.invalidatedCaches.includes('query-kmer')) this.queryKmerCache = undefined;
      if (assignment.invalidatedCaches.includes('actual-min-score')) this.actualMinScoreCache = undefined;
    });
  }

  /** Stops listening to the settings (when the handle closes). */
  dispose(): void {
    this.unsubscribe();
  }

  /** The keys of a query text under the current k and b, through the query-k-mer cache (one hit or one miss). */
  queryKeys(queryText: string): SortedKeys {
    this.queryKmerCache ??= new QueryKmerCache(this.settings.queryKmerCacheMaxEntries);
    const kmerSize = this.settings.kmerSize;
    const occurrenceBits = this.settings.occurrenceBits;
    return this.queryKmerCache.lookup(queryText, kmerSize, occurrenceBits, () =>
      this.extractQueryKeys(queryText, this.keyLayout(kmerSize, occurrenceBits)),
    );
  }

  /**
   * The ams of a query's keys under the current min_score and min_shared_kmer_rate, through the
   * actual-min-score cache. Callers ask only for queries with keys (an empty query matches nothing); an empty
   * array is answered without touching the cache, as the reference never looks one up.
   */
  actualMinScore(queryKeys: SortedKeys, exclusion?: HighFrequencyExclusion): number {
    const minScore = this.settings.minScore;
    const minSharedKmerRate = this.settings.minSharedKmerRate;
    if (queryKeys.count === 0) {
      return computeActualMinScore(minScore, minSharedKmerRate, 0, exclusion?.excludedKeyCount);
    }
    this.actualMinScoreCache ??= new ActualMinScoreCache(this.settings.actualMinScoreCacheMaxEntries);
    return this.actualMinScoreCache.lookup(queryKeys, { minScore, minSharedKmerRate, exclusion });
  }

  /** `kmersearch_query_kmer_cache_stats()`: (0,0,0,0) when the cache does not exist. */
  queryKmerCacheStatistics(): CacheStatistics {
    return this.queryKmerCache?.statistics() ?? ABSENT_CACHE_STATISTICS;
  }

  /** `kmersearch_actual_min_score_cache_stats()`: (0,0,0,0) when the cache does not exist. */
  actualMinScoreCacheStatistics(): CacheStatistics {
    return this.actualMinScoreCache?.statistics() ?? ABSENT_CACHE_STATISTICS;
  }

  /** `kmersearch_query_kmer_cache_free()`: the entry count before freeing (0 without a cache); counters go too. */
  freeQueryKmerCache(): number {
    const freed = this.queryKmerCache?.currentEntries ?? 0;
    this.queryKmerCache = undefined;
    return freed;
  }

  /** `kmersearch_actual_min_score_cache_free()`: the entry count before freeing (0 without a cache). */
  freeActualMinScoreCache(): number {
    const freed = this.actualMinScoreCache?.currentEntries ?? 0;
    this.actualMinScoreCache = undefined;
    return freed;
  }

  /** The rows of the `kmersearch_cache_summary` view, in the reference's order. */
  cacheSummary(): CacheSummaryRow[] {
    return [
      cacheSummaryRow('query-kmer', this.queryKmerCacheStatistics()),
      cacheSummaryRow('actual_min_score', this.actualMinScoreCacheStatistics()),
    ];
  }

  /** `kmersearch_simd_capability()`. */
  simdCapability(): string {
    return describeSimdCapability(this.settings.forceSimdCapability);
  }

  /** `kmersearch_show_buildno()`. */
  showBuildNumber(): string {
    return BUILD_NUMBER;
  }
}
