import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import type { KeyLayout, SortedKeys } from '../../src/kmer/keys.js';
import {
  ActualMinScoreCache,
  CACHE_SUMMARY_COLUMNS,
  computeActualMinScore,
  QueryKmerCache,
  Session,
  Settings,
} from '../../src/settings/index.js';

function layoutOf(kmerSize: number, occurrenceBits: number): KeyLayout {
  const totalBits = 2 * kmerSize + occurrenceBits;
  return { kmerSize, occurrenceBits, totalBits, wide: totalBits > 53 };
}

function narrowKeys(layout: KeyLayout, values: readonly number[]): SortedKeys {
  const sorted = Float64Array.from(values).sort();
  return { layout, wide: false, count: sorted.length, values: sorted };
}

function wideKeys(layout: KeyLayout, pairs: readonly (readonly [number, number])[]): SortedKeys {
  return {
    layout,
    wide: true,
    count: pairs.length,
    high: Uint32Array.from(pairs.map(([high]) => high)),
    low: Uint32Array.from(pairs.map(([, low]) => low)),
  };
}

/**
 * A stand-in for src/kmer's extraction: a text of N 'N's has no keys, 'BAD' fails, anything else yields keys
 * that depend on the text and on both k and b, so stale keys would be visible.
 */
function fakeExtractor(calls: { text: string; layout: KeyLayout }[] = []) {
  return (text: string, layout: KeyLayout): SortedKeys => {
    calls.push({ text, layout });
    if (text === 'BAD') throw new KmerSearchError('22023', `Invalid character 'B' for DNA sequence`);
    if (/^N*$/.test(text)) return narrowKeys(layout, []);
    const base = [...text].reduce((sum, character) => sum * 7 + character.charCodeAt(0), 0) % 100000;
    return narrowKeys(layout, [base * 1024 + layout.occurrenceBits, layout.kmerSize]);
  };
}

function statisticsTuple(statistics: { hits: number; misses: number; currentEntries: number; maxEntries: number }) {
  return [statistics.hits, statistics.misses, statistics.currentEntries, statistics.maxEntries];
}

describe('query-k-mer cache', () => {
  it('reports (0,0,0,0) before first use; every lookup counts exactly one hit or one miss (F14)', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 0, 0, 0]);
    session.queryKeys('ACGTACGT');
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 1, 1, 50000]);
    session.queryKeys('ACGTACGT');
    session.queryKeys('ACGTACGT');
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([2, 1, 1, 50000]);
  });

  it('does not store texts without keys: each lookup is a miss and re-extracts', () => {
    const calls: { text: string; layout: KeyLayout }[] = [];
    const session = new Session({ extractQueryKeys: fakeExtractor(calls) });
    expect(session.queryKeys('NNNNNNNN').count).toBe(0);
    expect(session.queryKeys('NNNNNNNN').count).toBe(0);
    expect(calls).toHaveLength(2);
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 2, 0, 50000]);
  });

  it('is keyed on the exact text: case matters', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    session.queryKeys('acgtacgt');
    session.queryKeys('ACGTACGT');
    expect(session.queryKmerCacheStatistics().currentEntries).toBe(2);
  });

  it('counts a miss before an extraction error propagates', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    expect(() => session.queryKeys('BAD')).toThrow("Invalid character 'B' for DNA sequence");
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 1, 0, 50000]);
  });

  it('builds the layout only on a miss, so a layout error also counts as a miss', () => {
    let layoutCalls = 0;
    const session = new Session({
      extractQueryKeys: fakeExtractor(),
      keyLayout: (kmerSize, occurrenceBits) => {
        layoutCalls++;
        if (2 * kmerSize + occurrenceBits > 64) throw new KmerSearchError('22023', 'too wide');
        return layoutOf(kmerSize, occurrenceBits);
      },
    });
    session.queryKeys('ACGTACGT');
    session.queryKeys('ACGTACGT');
    expect(layoutCalls).toBe(1);
    session.settings.set('kmersearch.occur_bitlen', '0');
    session.settings.set('kmersearch.kmer_size', '32');
    session.settings.reset('kmersearch.occur_bitlen'); // 72 bits, allowed by RESET
    expect(() => session.queryKeys('ACGTACGT')).toThrow('too wide');
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 1, 0, 50000]);
  });

  it('evicts least-recently-used entries: 1,293 distinct queries with max 1000 keep 1000', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    session.settings.set('kmersearch.query_kmer_cache_max_entries', '1000');
    const query = (index: number) => `ACGT${index}`;
    for (let index = 0; index < 1293; index++) session.queryKeys(query(index));
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 1293, 1000, 1000]);
    session.queryKeys(query(1292)); // most recent: kept
    session.queryKeys(query(293)); // oldest survivor: kept, and now most recently used
    expect(session.queryKmerCacheStatistics().hits).toBe(2);
    session.queryKeys(query(0)); // evicted long ago: miss, evicts query 294 (293 was refreshed)
    session.queryKeys(query(293));
    expect(session.queryKmerCacheStatistics().hits).toBe(3);
    session.queryKeys(query(294));
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([3, 1295, 1000, 1000]);
  });

  it('captures max_entries at creation; SET of query_kmer_cache_max_entries frees the cache', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    session.queryKeys('ACGTACGT');
    session.settings.set('kmersearch.query_kmer_cache_max_entries', '2000');
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 0, 0, 0]);
    session.queryKeys('ACGTACGT');
    expect(session.queryKmerCacheStatistics().maxEntries).toBe(2000);
  });

  it('free returns the entry count before freeing and discards the counters', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    expect(session.freeQueryKmerCache()).toBe(0);
    session.queryKeys('AAAACCCC');
    session.queryKeys('CCCCGGGG');
    session.queryKeys('CCCCGGGG');
    expect(session.freeQueryKmerCache()).toBe(2);
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 0, 0, 0]);
    expect(session.freeQueryKmerCache()).toBe(0);
  });

  it('F1: is keyed on (text, k, b) and SET occur_bitlen gives fresh keys', () => {
    const calls: { text: string; layout: KeyLayout }[] = [];
    const session = new Session({ extractQueryKeys: fakeExtractor(calls) });
    session.settings.set('kmersearch.kmer_size', '4');
    const withEightBits = session.queryKeys('ATCGATCG');
    expect(withEightBits.layout.occurrenceBits).toBe(8);
    session.settings.set('kmersearch.occur_bitlen', '4');
    expect(statisticsTuple(session.queryKmerCacheStatistics())).toEqual([0, 0, 0, 0]);
    const withFourBits = session.queryKeys('ATCGATCG');
    expect(withFourBits.layout.occurrenceBits).toBe(4);
    expect(withFourBits).not.toEqual(withEightBits);
    expect(calls.map((call) => call.layout.occurrenceBits)).toEqual([8, 4]);

    // Even without the assign hook, entries of different b never mix.
    const cache = new QueryKmerCache(1000);
    const extractor = fakeExtractor();
    const first = cache.lookup('ATCG', 4, 8, () => extractor('ATCG', layoutOf(4, 8)));
    const second = cache.lookup('ATCG', 4, 4, () => extractor('ATCG', layoutOf(4, 4)));
    expect(first).not.toBe(second);
    expect(statisticsTuple(cache.statistics())).toEqual([0, 2, 2, 1000]);
  });

  it('is freed by SET and RESET of kmer_size even to the same value, not by unrelated settings', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    session.queryKeys('ACGTACGT');
    session.settings.set('kmersearch.min_score', '2');
    session.settings.set('kmersearch.preclude_highfreq_kmer', 'on');
    session.settings.set('kmersearch.actual_min_score_cache_max_entries', '1000');
    expect(session.queryKmerCacheStatistics().currentEntries).toBe(1);
    session.settings.set('kmersearch.kmer_size', '16');
    expect(session.queryKmerCacheStatistics().currentEntries).toBe(0);
    session.queryKeys('ACGTACGT');
    session.settings.reset('kmersearch.kmer_size');
    expect(session.queryKmerCacheStatistics().currentEntries).toBe(0);
  });

  it('is not transactional, but an undo at transaction end that changes k frees it', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    session.settings.beginTransaction();
    session.settings.set('kmersearch.kmer_size', '8', { local: true });
    session.queryKeys('ACGTACGT');
    session.settings.commit();
    expect(session.queryKmerCacheStatistics().currentEntries).toBe(0);
    session.queryKeys('ACGTACGT');
    session.settings.beginTransaction();
    session.settings.set('kmersearch.min_score', '4');
    session.settings.rollback();
    expect(session.queryKmerCacheStatistics().currentEntries).toBe(1);
  });
});

describe('computeActualMinScore (SPEC §4)', () => {
  it.each([
    [1, 0.5, 10, undefined, 5],
    [1, 0.5, 1, undefined, 1],
    [0, 0, 5, undefined, 0],
    [1, 0.2, 5, undefined, 1], // 0.2 × 5 = 1.0 exactly → 1
    [1, 0.1, 3, undefined, 1], // 0.30000000000000004 → 1
    [1, 0.55, 100, undefined, 56], // IEEE: 0.55 × 100 = 55.00000000000001 → 56
    [1, 0.57, 100, undefined, 57], // IEEE: 0.57 × 100 = 56.99999999999999 → 57
    [10, 0.5, 4, undefined, 10],
    [3, 1, 0, undefined, 3],
    [1, 1, 5, 2, 3],
    [1, 1, 5, 5, 1],
    [1, 1, 5, 9, 1],
  ])('min_score %s, rate %s, |Q| %s, |H| %s → %s', (minScore, rate, count, excluded, expected) => {
    expect(computeActualMinScore(minScore, rate, count, excluded)).toBe(expected);
  });

  it('never exceeds max(min_score, |Q|) and is at least 1 with exclusion', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        (minScore, rate, count, excluded) => {
          const base = computeActualMinScore(minScore, rate, count);
          expect(base).toBeLessThanOrEqual(Math.max(minScore, count));
          expect(computeActualMinScore(minScore, rate, count, excluded)).toBe(Math.max(1, base - excluded));
        },
      ),
    );
  });
});

describe('actual-min-score cache', () => {
  const inputs = { minScore: 1, minSharedKmerRate: 1 };
  const layout = layoutOf(4, 8);

  it('F2: arrays whose reference polynomial hashes collide ([0, 256] and [256]) get their own ams', () => {
    const cache = new ActualMinScoreCache(1000);
    expect(cache.lookup(narrowKeys(layout, [0, 256]), inputs)).toBe(2);
    expect(cache.lookup(narrowKeys(layout, [256]), inputs)).toBe(1);
    expect(statisticsTuple(cache.statistics())).toEqual([0, 2, 2, 1000]);
  });

  it('finds entries by content, not identity; one hit or one miss per lookup', () => {
    const cache = new ActualMinScoreCache(1000);
    cache.lookup(narrowKeys(layout, [5, 9, 11]), inputs);
    expect(cache.lookup(narrowKeys(layout, [5, 9, 11]), inputs)).toBe(3);
    expect(cache.lookup(narrowKeys(layout, [5, 9, 12]), inputs)).toBe(3);
    expect(statisticsTuple(cache.statistics())).toEqual([1, 2, 2, 1000]);
  });

  it('keys on layout, thresholds and the high-frequency exclusion too', () => {
    const cache = new ActualMinScoreCache(1000);
    const keys = narrowKeys(layout, [1, 2, 3, 4]);
    expect(cache.lookup(keys, inputs)).toBe(4);
    expect(cache.lookup(narrowKeys(layoutOf(4, 4), [1, 2, 3, 4]), inputs)).toBe(4);
    expect(cache.lookup(keys, { minScore: 1, minSharedKmerRate: 0.5 })).toBe(2);
    expect(cache.lookup(keys, { ...inputs, exclusion: { identity: 'analysis-1', excludedKeyCount: 1 } })).toBe(3);
    expect(cache.lookup(keys, { ...inputs, exclusion: { identity: 'analysis-2', excludedKeyCount: 1 } })).toBe(3);
    expect(cache.lookup(keys, { ...inputs, exclusion: { identity: 'analysis-1', excludedKeyCount: 1 } })).toBe(3);
    expect(statisticsTuple(cache.statistics())).toEqual([1, 5, 5, 1000]);
  });

  it('compares wide (64-bit) keys by both halves', () => {
    const cache = new ActualMinScoreCache(1000);
    const wideLayout = layoutOf(30, 4);
    cache.lookup(wideKeys(wideLayout, [[1, 2], [3, 4]]), inputs);
    cache.lookup(wideKeys(wideLayout, [[1, 2], [3, 5]]), inputs);
    cache.lookup(wideKeys(wideLayout, [[1, 2], [3, 4]]), inputs);
    expect(statisticsTuple(cache.statistics())).toEqual([1, 2, 2, 1000]);
  });

  it('is bounded by its capacity with least-recently-used eviction', () => {
    const cache = new ActualMinScoreCache(1000);
    for (let index = 0; index < 1293; index++) cache.lookup(narrowKeys(layout, [index]), inputs);
    expect(statisticsTuple(cache.statistics())).toEqual([0, 1293, 1000, 1000]);
    cache.lookup(narrowKeys(layout, [293]), inputs); // oldest survivor
    cache.lookup(narrowKeys(layout, [292]), inputs); // evicted: miss, evicts [294]
    cache.lookup(narrowKeys(layout, [293]), inputs);
    cache.lookup(narrowKeys(layout, [294]), inputs);
    expect(statisticsTuple(cache.statistics())).toEqual([2, 1295, 1000, 1000]);
  });

  it('agrees with the pure formula for random key arrays and inputs (property)', () => {
    const cache = new ActualMinScoreCache(1000);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(0, 0.1, 0.5, 1),
        (values, minScore, rate) => {
          const keys = narrowKeys(layout, values);
          const expected = computeActualMinScore(minScore, rate, values.length);
          expect(cache.lookup(keys, { minScore, minSharedKmerRate: rate })).toBe(expected);
          expect(cache.lookup(keys, { minScore, minSharedKmerRate: rate })).toBe(expected);
        },
      ),
    );
  });
});

describe('session facade', () => {
  it('actualMinScore goes through the cache with the current settings; the assign hooks free it', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    const keys = session.queryKeys('ACGTACGTAC');
    expect(session.actualMinScore(keys)).toBe(1); // max(1, ceil(0.5 × 2))
    expect(session.actualMinScore(keys)).toBe(1);
    expect(statisticsTuple(session.actualMinScoreCacheStatistics())).toEqual([1, 1, 1, 50000]);
    session.settings.set('kmersearch.min_score', '5');
    expect(statisticsTuple(session.actualMinScoreCacheStatistics())).toEqual([0, 0, 0, 0]);
    expect(session.actualMinScore(keys)).toBe(5);
    for (const [name, value] of [
      ['kmersearch.min_shared_kmer_rate', '0.5'],
      ['kmersearch.max_appearance_rate', '0.5'],
      ['kmersearch.max_appearance_nrow', '0'],
      ['kmersearch.kmer_size', '16'],
      ['kmersearch.occur_bitlen', '8'],
    ] as const) {
      session.actualMinScore(keys);
      session.settings.set(name, value);
      expect(session.actualMinScoreCacheStatistics().currentEntries).toBe(0);
    }
    session.actualMinScore(keys);
    session.settings.set('kmersearch.preclude_highfreq_kmer', 'on');
    session.settings.set('kmersearch.query_kmer_cache_max_entries', '1000');
    session.settings.set('kmersearch.actual_min_score_cache_max_entries', '1000');
    expect(statisticsTuple(session.actualMinScoreCacheStatistics())).toEqual([0, 1, 1, 50000]);
    expect(session.freeActualMinScoreCache()).toBe(1);
    session.actualMinScore(keys);
    expect(session.actualMinScoreCacheStatistics().maxEntries).toBe(1000);
    expect(session.freeActualMinScoreCache()).toBe(1);
    expect(session.freeActualMinScoreCache()).toBe(0);
  });

  it('answers an empty key array without touching the cache', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    expect(session.actualMinScore(session.queryKeys('NNNN'))).toBe(1);
    expect(statisticsTuple(session.actualMinScoreCacheStatistics())).toEqual([0, 0, 0, 0]);
  });

  it('applies high-frequency exclusion: max(1, base − |H|)', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    session.settings.set('kmersearch.min_score', '3');
    const keys = narrowKeys(layoutOf(16, 8), [1, 2, 3, 4, 5, 6]);
    expect(session.actualMinScore(keys, { identity: 't.c', excludedKeyCount: 1 })).toBe(2);
    expect(session.actualMinScore(keys, { identity: 't.c', excludedKeyCount: 6 })).toBe(1);
    expect(session.actualMinScore(keys)).toBe(3);
  });

  it('cache summary: two rows in the reference order, hit_rate 0 without lookups', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    expect(CACHE_SUMMARY_COLUMNS.map((column) => `${column.name} ${column.type}`)).toEqual([
      'cache_type text',
      'total_entries integer',
      'total_hits bigint',
      'total_misses bigint',
      'hit_rate double precision',
    ]);
    expect(session.cacheSummary()).toEqual([
      { cache_type: 'query-kmer', total_entries: 0, total_hits: 0, total_misses: 0, hit_rate: 0 },
      { cache_type: 'actual_min_score', total_entries: 0, total_hits: 0, total_misses: 0, hit_rate: 0 },
    ]);
    const keys = session.queryKeys('ACGTACGT');
    session.queryKeys('ACGTACGT');
    session.queryKeys('ACGTACGT');
    session.actualMinScore(keys);
    expect(session.cacheSummary()).toEqual([
      { cache_type: 'query-kmer', total_entries: 1, total_hits: 2, total_misses: 1, hit_rate: 2 / 3 },
      { cache_type: 'actual_min_score', total_entries: 1, total_hits: 0, total_misses: 1, hit_rate: 0 },
    ]);
  });

  it('shares a Settings object and stops listening after dispose', () => {
    const settings = new Settings();
    const session = new Session({ extractQueryKeys: fakeExtractor(), settings });
    expect(session.settings).toBe(settings);
    session.queryKeys('ACGTACGT');
    session.dispose();
    settings.set('kmersearch.kmer_size', '16');
    expect(session.queryKmerCacheStatistics().currentEntries).toBe(1);
  });

  it('kmersearch_simd_capability() and kmersearch_show_buildno()', () => {
    const session = new Session({ extractQueryKeys: fakeExtractor() });
    expect(session.simdCapability()).toBe('None');
    session.settings.set('kmersearch.force_simd_capability', '0');
    expect(session.simdCapability()).toBe('None (forced from None)');
    session.settings.reset('kmersearch.force_simd_capability');
    expect(session.simdCapability()).toBe('None');
    expect(session.showBuildNumber()).toBe('0.1.2026.02.03');
  });
});
