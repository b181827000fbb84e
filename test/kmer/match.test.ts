import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actualMinScore,
  compareKeys,
  countShared,
  emptySortedKeys,
  isMatch,
  KeyExtractor,
  keyLayout,
  KeySet,
  keyToBigInt,
  matchesQuery,
  matchscore,
  prepareQuery,
  queryKeysOf,
  storedKeysOf,
  toSortedKeys,
  type KeyMembership,
  type MatchThresholds,
  type SortedKeys,
} from '../../src/kmer/index.js';
import { keysAsBigInts, modelKeys, packDna2, packDna4 } from './model.js';

const layoutArbitrary = fc
  .integer({ min: 4, max: 32 })
  .chain((k) => fc.record({ k: fc.constant(k), b: fc.integer({ min: 0, max: Math.min(16, 64 - 2 * k) }) }));

const basesArbitrary = (letters: string, maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...letters), { maxLength, size: 'max' }).map((bases) => bases.join(''));

/** Half concrete runs, half drawn from two letters, so shared keys and repeated k-mers are common. */
const relatedPairArbitrary = fc.tuple(basesArbitrary('ACGT', 120), basesArbitrary('AC', 60), basesArbitrary('ACGTMRN', 40));

describe('matchscore (core §3.5, F3)', () => {
  it("'AAAAAAAAAAAA' against itself: b=0→1, 1→2, 2→4, 3→8, 8→9", () => {
    const expected: Record<number, number> = { 0: 1, 1: 2, 2: 4, 3: 8, 8: 9 };
    for (const [b, shared] of Object.entries(expected)) {
      const layout = keyLayout(4, Number(b));
      expect(matchscore(packDna2('AAAAAAAAAAAA'), queryKeysOf(layout, 'AAAAAAAAAAAA'))).toBe(shared);
      expect(matchscore(packDna4('AAAAAAAAAAAA'), queryKeysOf(layout, 'AAAAAAAAAAAA'))).toBe(shared);
    }
  });

  it('k=4, b=8: ATCGATCG scores 5 against itself', () => {
    expect(matchscore(packDna2('ATCGATCG'), queryKeysOf(keyLayout(4, 8), 'ATCGATCG'))).toBe(5);
  });

  it("'ATC'::dna2 =% 'NNNN' is false without error; a short stored sequence scores 0", () => {
    const layout = keyLayout(4, 8);
    const thresholds = { minScore: 0, minSharedKmerRate: 0 };
    const none = queryKeysOf(layout, 'NNNN');
    expect(none.count).toBe(0);
    expect(matchesQuery(packDna2('ATC'), prepareQuery(none, thresholds))).toBe(false);
    expect(matchscore(packDna2('ATC'), queryKeysOf(layout, 'ATCG'))).toBe(0);
    expect(matchscore(packDna4('ATC'), queryKeysOf(layout, 'ATCG'))).toBe(0);
  });

  it('a DNA4 W position contributes both variants', () => {
    const layout = keyLayout(4, 0);
    expect(matchscore(packDna4('AAAWAAA'), queryKeysOf(layout, 'AAAAAAAT'))).toBe(2);
  });

  it('matchscore(x, text(x)) = number of keys of x, for DNA2 and DNA4', () => {
    fc.assert(
      fc.property(layoutArbitrary, basesArbitrary('ACGTACGTAAAAMRWSYKVHDBN', 200), ({ k, b }, bases) => {
        fc.pre(bases.length >= k);
        const layout = keyLayout(k, b);
        const query = queryKeysOf(layout, bases);
        expect(matchscore(packDna4(bases), query)).toBe(modelKeys(bases, k, b).length);
        const concrete = bases.replace(/[^ACGT]/g, 'A');
        expect(matchscore(packDna2(concrete), queryKeysOf(layout, concrete))).toBe(modelKeys(concrete, k, b).length);
      }),
      { numRuns: 400 },
    );
  });

  it('matchscore equals the size of the model intersection', () => {
    fc.assert(
      fc.property(layoutArbitrary, relatedPairArbitrary, ({ k, b }, [random, twoLetters, degenerate]) => {
        const stored = twoLetters + random + degenerate;
        const query = degenerate + random.slice(7) + twoLetters.slice(3);
        fc.pre(query.length >= k);
        const storedModel = new Set(modelKeys(stored, k, b));
        const expected = modelKeys(query, k, b).filter((key) => storedModel.has(key)).length;
        expect(matchscore(packDna4(stored), queryKeysOf(keyLayout(k, b), query))).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });
});

describe('sorted keys', () => {
  it('toSortedKeys is the sorted distinct model key list, narrow and wide', () => {
    fc.assert(
      fc.property(layoutArbitrary, basesArbitrary('ACGTAAAAN', 200), ({ k, b }, bases) => {
        const layout = keyLayout(k, b);
        const sorted = storedKeysOf(layout, packDna4(bases));
        const model = [...new Set(modelKeys(bases, k, b))].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        expect(sorted.wide).toBe(layout.wide);
        expect(keysAsBigInts(sorted)).toEqual(model);
        for (let i = 1; i < sorted.count; i++) expect(compareKeys(sorted, i - 1, sorted, i)).toBeLessThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('toSortedKeys removes duplicates from any key list', () => {
    const layout = keyLayout(30, 4);
    const high = Uint32Array.from([5, 0xffffffff, 5, 0, 0xffffffff]);
    const low = Uint32Array.from([7, 1, 7, 0xffffffff, 0]);
    const sorted = toSortedKeys({ layout, wide: true, count: 5, high, low });
    expect(keysAsBigInts(sorted)).toEqual([0xffffffffn, (5n << 32n) | 7n, 0xffffffff00000000n, 0xffffffff00000001n]);
    const narrow = toSortedKeys({ layout: keyLayout(4, 8), wide: false, count: 4, values: Float64Array.from([3, 1, 3, 0, 99]) });
    expect(keysAsBigInts(narrow)).toEqual([0n, 1n, 3n]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The =% rule (SPEC §4).

/** Direct model of SPEC §4 on BigInt key sets. */
function modelMatch(stored: bigint[], query: bigint[], thresholds: MatchThresholds, highFrequency?: Set<bigint>): boolean {
  const q = new Set(query);
  if (q.size === 0) return false;
  const s = new Set(stored);
  const base = Math.max(thresholds.minScore, Math.ceil(thresholds.minSharedKmerRate * q.size));
  if (highFrequency === undefined) return [...q].filter((key) => s.has(key)).length >= base;
  const h = [...q].filter((key) => highFrequency.has(key));
  const shared = [...q].filter((key) => !highFrequency.has(key) && s.has(key)).length;
  return shared >= Math.max(1, base - h.length);
}

class BigIntMembership implements KeyMembership {
  constructor(private readonly keys: Set<bigint>) {}
  has(keys: Parameters<KeyMembership['has']>[0], index: number): boolean {
    return this.keys.has(keyToBigInt(keys, index));
  }
}

describe('actual minimum score and =%', () => {
  it('uses the IEEE double product before ceil', () => {
    expect(actualMinScore({ minScore: 0, minSharedKmerRate: 0.2 }, 5)).toBe(1);
    expect(actualMinScore({ minScore: 0, minSharedKmerRate: 0.1 }, 3)).toBe(1); // 0.30000000000000004 → 1
    expect(actualMinScore({ minScore: 0, minSharedKmerRate: 0.7 }, 10)).toBe(7);
    expect(actualMinScore({ minScore: 0, minSharedKmerRate: 0.55 }, 100)).toBe(56); // 55.00000000000001 → 56
    expect(actualMinScore({ minScore: 0, minSharedKmerRate: 0.7 }, 90)).toBe(63); // 62.99999999999999 → 63
    expect(actualMinScore({ minScore: 1, minSharedKmerRate: 0.5 }, 9)).toBe(5);
    expect(actualMinScore({ minScore: 12, minSharedKmerRate: 0.5 }, 9)).toBe(12);
    expect(actualMinScore({ minScore: 0, minSharedKmerRate: 0 }, 9)).toBe(0);
    expect(actualMinScore({ minScore: 0, minSharedKmerRate: 0.5 }, 0)).toBe(0);
  });

  it('with exclusion: max(1, base − |H|)', () => {
    expect(actualMinScore({ minScore: 1, minSharedKmerRate: 0.5 }, 10, 3)).toBe(2);
    expect(actualMinScore({ minScore: 1, minSharedKmerRate: 0.5 }, 10, 9)).toBe(1);
    expect(actualMinScore({ minScore: 0, minSharedKmerRate: 0 }, 10, 0)).toBe(1);
  });

  it('a query with no keys matches nothing, even with ams 0', () => {
    expect(isMatch({ shared: 0, queryKeyCount: 0 }, { minScore: 0, minSharedKmerRate: 0 })).toBe(false);
    expect(isMatch({ shared: 0, queryKeyCount: 3 }, { minScore: 0, minSharedKmerRate: 0 })).toBe(true);
    expect(isMatch({ shared: 0, queryKeyCount: 3, excludedKeyCount: 0 }, { minScore: 0, minSharedKmerRate: 0 })).toBe(false);
  });

  const thresholdsArbitrary = fc.record({
    minScore: fc.integer({ min: 0, max: 12 }),
    minSharedKmerRate: fc.oneof(fc.constantFrom(0, 0.1, 0.2, 0.3, 0.5, 0.7, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  });

  it('isMatch and matchesQuery equal the direct model, with and without exclusion', () => {
    const extractor = new KeyExtractor();
    fc.assert(
      fc.property(
        layoutArbitrary,
        relatedPairArbitrary,
        thresholdsArbitrary,
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        ({ k, b }, [random, twoLetters, degenerate], thresholds, highFrequencyShare) => {
          const layout = keyLayout(k, b);
          const storedBases = twoLetters + random;
          const queryText = random.slice(11) + degenerate + twoLetters.slice(0, 30);
          fc.pre(queryText.length >= k);
          const query = queryKeysOf(layout, queryText, extractor);
          const queryModel = modelKeys(queryText, k, b);
          // A deterministic subset of the query keys (plus a foreign key) plays the high-frequency set.
          const highFrequency =
            highFrequencyShare === undefined
              ? undefined
              : new Set([...queryModel.filter((_, i) => (i * 0.618) % 1 < highFrequencyShare), 123n]);
          const membership = highFrequency === undefined ? undefined : new BigIntMembership(highFrequency);
          const expected = modelMatch(modelKeys(storedBases, k, b), queryModel, thresholds, highFrequency);

          const prepared = prepareQuery(query, thresholds, membership);
          expect(matchesQuery(packDna2(storedBases), prepared, extractor)).toBe(expected);

          const storedKeys = extractor.extractStored(layout, packDna2(storedBases));
          const shared = countShared(storedKeys, query, membership);
          expect(shared).toBe(countShared(storedKeys, prepared.searchKeys));
          expect(
            isMatch({ shared, queryKeyCount: query.count, excludedKeyCount: prepared.excludedKeyCount }, thresholds),
          ).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('countShared works with a KeySet and with empty inputs', () => {
    const layout = keyLayout(28, 8);
    const extractor = new KeyExtractor();
    const query: SortedKeys = queryKeysOf(layout, 'ACGT'.repeat(10), extractor);
    const set = new KeySet(query);
    expect(set.size).toBe(query.count);
    const stored = extractor.extractStored(layout, packDna2('ACGT'.repeat(9)));
    expect(countShared(stored, set)).toBe(stored.count);
    expect(countShared(stored, query)).toBe(stored.count);
    expect(countShared(stored, emptySortedKeys(layout))).toBe(0);
    expect(countShared(extractor.extractStored(layout, packDna2('ACG')), query)).toBe(0);
  });
});

describe('KeySet', () => {
  it('membership equals a BigInt Set, narrow and wide, including key 0 and all-ones keys', () => {
    const halves = fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0x80000000), fc.nat({ max: 0xffffffff }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(halves, halves), { maxLength: 200 }),
        fc.array(fc.tuple(halves, halves), { maxLength: 50 }),
        (members, probes) => {
          const layout = keyLayout(32, 0);
          const high = Uint32Array.from(members.map(([h]) => h));
          const low = Uint32Array.from(members.map(([, l]) => l));
          const set = new KeySet({ layout, wide: true, count: members.length, high, low });
          const model = new Set(members.map(([h, l]) => (BigInt(h) << 32n) | BigInt(l)));
          expect(set.size).toBe(model.size);
          for (const [h, l] of [...members, ...probes]) expect(set.hasWide(h, l)).toBe(model.has((BigInt(h) << 32n) | BigInt(l)));
        },
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { maxLength: 200 }), fc.array(fc.maxSafeNat(), { maxLength: 50 }), (members, probes) => {
        const set = new KeySet({ layout: keyLayout(26, 1), wide: false, count: members.length, values: Float64Array.from(members) });
        const model = new Set(members);
        expect(set.size).toBe(model.size);
        for (const key of [0, ...members, ...probes]) expect(set.hasNarrow(key)).toBe(model.has(key));
      }),
    );
  });
});
