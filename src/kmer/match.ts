/**
 * `kmersearch_matchscore` and the `=%` rule of SPEC §4 as pure functions. One rule decides `=%` whichever path
 * evaluates it (deviation F4), so the sequential evaluation and the index share these functions.
 */
import type { DnaValue } from '../dna/types.js';
import { KeyExtractor } from './extractor.js';
import { keySetOf, KeySet, type KeyMembership } from './key-set.js';
import type { KeyLayout, KeyList, SortedKeys } from './keys.js';
import { toSortedKeys } from './sorted-keys.js';

/** The settings the threshold depends on (`kmersearch.min_score`, `kmersearch.min_shared_kmer_rate`). */
export interface MatchThresholds {
  readonly minScore: number;
  readonly minSharedKmerRate: number;
}

/** What a match decision needs to know about one (stored sequence, query) pair. */
export interface MatchCounts {
  /** |S ∩ Q| without exclusion, |S ∩ (Q \ H)| with it. */
  readonly shared: number;
  /** |Q|: all query keys, before any exclusion. */
  readonly queryKeyCount: number;
  /** |H| = |Q ∩ high-frequency keys| when exclusion applies; undefined when it does not. */
  readonly excludedKeyCount?: number | undefined;
}

/**
 * ams (SPEC §4). `ceil(rate × |Q|)` uses the IEEE double product, as the reference does (0.2 × 5 = 1.0 → 1).
 * With exclusion the threshold drops by |H| but never below 1, so a row sharing only excluded keys never matches.
 */
export function actualMinScore(
  thresholds: MatchThresholds,
  queryKeyCount: number,
  excludedKeyCount?: number,
): number {
  const relative = queryKeyCount > 0 ? Math.ceil(thresholds.minSharedKmerRate * queryKeyCount) : 0;
  const base = Math.max(thresholds.minScore, relative);
  return excludedKeyCount === undefined ? base : Math.max(1, base - excludedKeyCount);
}

/** The `=%` decision: a query with no keys matches nothing; otherwise shared ≥ ams. */
export function isMatch(counts: MatchCounts, thresholds: MatchThresholds): boolean {
  if (counts.queryKeyCount === 0) return false;
  return counts.shared >= actualMinScore(thresholds, counts.queryKeyCount, counts.excludedKeyCount);
}

/**
 * |S ∩ Q| — or |S ∩ (Q \ H)| when `excluded` (the high-frequency set H) is given. Stored keys are distinct
 * (one extraction), so counting stored keys found in Q counts the intersection.
 */
export function countShared(storedKeys: KeyList, queryKeys: SortedKeys | KeySet, excluded?: KeyMembership): number {
  if (storedKeys.count === 0) return 0;
  if (queryKeys instanceof KeySet) return queryKeys.size === 0 ? 0 : queryKeys.countIn(storedKeys, excluded);
  return queryKeys.count === 0 ? 0 : keySetOf(queryKeys).countIn(storedKeys, excluded);
}

/** A query prepared once for many rows: its search keys Q \ H, |Q|, |H| and its ams. */
export interface PreparedQuery {
  /** Q \ H with exclusion, Q without. */
  readonly searchKeys: SortedKeys;
  readonly queryKeyCount: number;
  readonly excludedKeyCount: number | undefined;
  readonly actualMinScore: number;
}

/**
 * Applies the exclusion (if a high-frequency set is given, SPEC §4: exclusion applies exactly when the caller
 * passes one) and computes ams.
 */
export function prepareQuery(
  queryKeys: SortedKeys,
  thresholds: MatchThresholds,
  highFrequencyKeys?: KeyMembership,
): PreparedQuery {
  if (highFrequencyKeys === undefined) {
    return Object.freeze({
      searchKeys: queryKeys,
      queryKeyCount: queryKeys.count,
      excludedKeyCount: undefined,
      actualMinScore: actualMinScore(thresholds, queryKeys.count),
    });
  }
  const searchKeys = withoutKeys(queryKeys, highFrequencyKeys);
  const excludedKeyCount = queryKeys.count - searchKeys.count;
  return Object.freeze({
    searchKeys,
    queryKeyCount: queryKeys.count,
    excludedKeyCount,
    actualMinScore: actualMinScore(thresholds, queryKeys.count, excludedKeyCount),
  });
}

/** `keys` minus the members of `excluded`, still sorted and distinct. */
export function withoutKeys(keys: SortedKeys, excluded: KeyMembership): SortedKeys {
  let kept = 0;
  if (!keys.wide) {
    const values = new Float64Array(keys.count);
    for (let i = 0; i < keys.count; i++) if (!excluded.has(keys, i)) values[kept++] = keys.values[i]!;
    return toSortedKeys({ layout: keys.layout, wide: false, count: kept, values });
  }
  const high = new Uint32Array(keys.count);
  const low = new Uint32Array(keys.count);
  for (let i = 0; i < keys.count; i++) {
    if (excluded.has(keys, i)) continue;
    high[kept] = keys.high[i]!;
    low[kept++] = keys.low[i]!;
  }
  return toSortedKeys({ layout: keys.layout, wide: true, count: kept, high, low });
}

/** Shared by the convenience functions below; extraction is synchronous, so one per thread suffices. */
let defaultExtractor: KeyExtractor | undefined;

function extractorOrDefault(extractor: KeyExtractor | undefined): KeyExtractor {
  return extractor ?? (defaultExtractor ??= new KeyExtractor());
}

/**
 * `kmersearch_matchscore(stored, query)` = |S ∩ Q| with the query's layout (reference core §3.5 with deviation
 * F3: a stored sequence shorter than k scores 0).
 */
export function matchscore(stored: DnaValue, queryKeys: SortedKeys, extractor?: KeyExtractor): number {
  if (queryKeys.count === 0) return 0;
  return countSharedOfStored(stored, queryKeys, extractor);
}

/** `stored =% query` for a prepared query (SPEC §4). The stored value is not examined when Q is empty. */
export function matchesQuery(stored: DnaValue, query: PreparedQuery, extractor?: KeyExtractor): boolean {
  if (query.queryKeyCount === 0) return false;
  return countSharedOfStored(stored, query.searchKeys, extractor) >= query.actualMinScore;
}

/**
 * countShared of a stored value's keys (in `queryKeys`' layout). A long value's keys are never all in memory:
 * with a short query only the query's k-mer values are counted (KeyExtractor.countSharedByQueryValues), else the
 * keys come chunk by chunk (extractStoredInChunks; the chunks' keys are distinct, so their counts add up).
 */
export function countSharedOfStored(stored: DnaValue, queryKeys: SortedKeys, extractor?: KeyExtractor): number {
  const chosen = extractorOrDefault(extractor);
  const counted = chosen.countSharedByQueryValues(stored, queryKeys);
  if (counted !== undefined) return counted;
  let shared = 0;
  chosen.extractStoredInChunks(queryKeys.layout, stored, (storedKeys) => {
    shared += countShared(storedKeys, queryKeys);
  });
  return shared;
}

/** Sorted distinct keys of query text, with the reference's validation (see KeyExtractor.extractQuery). */
export function queryKeysOf(layout: KeyLayout, text: string, extractor?: KeyExtractor): SortedKeys {
  const chosen = extractorOrDefault(extractor);
  const keys = chosen.extractQuery(layout, text);
  return toSortedKeys(keys, chosen.releaseLastResult());
}

/** Sorted distinct keys of a stored value (deviation F3: empty when shorter than k). */
export function storedKeysOf(layout: KeyLayout, stored: DnaValue, extractor?: KeyExtractor): SortedKeys {
  const chosen = extractorOrDefault(extractor);
  const keys = chosen.extractStored(layout, stored);
  return toSortedKeys(keys, chosen.releaseLastResult());
}
