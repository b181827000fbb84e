/**
 * The long-input path of KeyExtractor (src/kmer/long-input.ts) against the one-table path: with its threshold,
 * partitions and chunks made tiny by the extractor's tuning, every input takes it, and its keys — values,
 * occurrence numbers, order — must be exactly the one-table path's, for DNA2, DNA4 and query text, narrow and
 * wide layouts, repeats beyond 2^b and IUPAC codes. Also: the keys in chunks, results handed over to the caller,
 * sorting in place, and the directory a large sorted key list gets instead of a hash table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countShared,
  KeyExtractor,
  KeySet,
  keyLayout,
  matchscore,
  queryKeysOf,
  storedKeysOf,
  toSortedKeys,
  type KeyList,
  type LongInputTuning,
} from '../../src/kmer/index.js';
import { AMBIGUITY, basesArbitrary, layoutArbitrary, queryTextArbitrary } from './arbitraries.js';
import { keysAsBigInts, packDna2, packDna4 } from './model.js';

const oneTable = new KeyExtractor();

/** Every input long (minWindows 0), partitions of 1–16 values, chunks of 4–64 windows. */
const tuningArbitrary: fc.Arbitrary<LongInputTuning> = fc.record({
  minWindows: fc.constant(0),
  valuesPerPartition: fc.constantFrom(1, 2, 4, 16),
  chunkWindows: fc.constantFrom(4, 8, 12, 64),
});

function chunkedKeys(extractor: KeyExtractor, k: number, b: number, value: ReturnType<typeof packDna2>): bigint[] {
  const keys: bigint[] = [];
  extractor.extractStoredInChunks(keyLayout(k, b), value, (chunk) => keys.push(...keysAsBigInts(chunk)));
  return keys;
}

describe('the long-input path gives exactly the one-table path keys', () => {
  it('DNA2: collected and in chunks', () => {
    fc.assert(
      fc.property(layoutArbitrary, tuningArbitrary, basesArbitrary(['A'], 400), ({ k, b }, tuning, bases) => {
        const long = new KeyExtractor(tuning);
        const value = packDna2(bases);
        const expected = keysAsBigInts(oneTable.extractStored(keyLayout(k, b), value));
        expect(keysAsBigInts(long.extractStored(keyLayout(k, b), value))).toEqual(expected);
        expect(chunkedKeys(long, k, b, value)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('DNA4 with IUPAC codes, N and code 0: collected and in chunks', () => {
    fc.assert(
      fc.property(layoutArbitrary, tuningArbitrary, basesArbitrary([...AMBIGUITY, '?'], 400), ({ k, b }, tuning, bases) => {
        const long = new KeyExtractor(tuning);
        const value = packDna4(bases);
        const expected = keysAsBigInts(oneTable.extractStored(keyLayout(k, b), value));
        expect(keysAsBigInts(long.extractStored(keyLayout(k, b), value))).toEqual(expected);
        expect(chunkedKeys(long, k, b, value)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('query text in either case, with U and IUPAC codes; sorted query keys alike', () => {
    fc.assert(
      fc.property(layoutArbitrary, tuningArbitrary, queryTextArbitrary(400), ({ k, b }, tuning, text) => {
        fc.pre(text.length >= k);
        const long = new KeyExtractor(tuning);
        const layout = keyLayout(k, b);
        expect(keysAsBigInts(long.extractQuery(layout, text))).toEqual(keysAsBigInts(oneTable.extractQuery(layout, text)));
        expect(keysAsBigInts(queryKeysOf(layout, text, long))).toEqual(keysAsBigInts(queryKeysOf(layout, text, oneTable)));
      }),
      { numRuns: 400 },
    );
  });

  it('matchscore of a stored value counted chunk by chunk', () => {
    fc.assert(
      fc.property(layoutArbitrary, tuningArbitrary, basesArbitrary([...AMBIGUITY], 300), fc.nat(), ({ k, b }, tuning, bases, start) => {
        fc.pre(bases.length >= k);
        const layout = keyLayout(k, b);
        const from = start % (bases.length - k + 1);
        const queryKeys = queryKeysOf(layout, bases.slice(from, from + 3 * k), oneTable);
        const value = packDna4(bases);
        expect(matchscore(value, queryKeys, new KeyExtractor(tuning))).toBe(matchscore(value, queryKeys, oneTable));
      }),
      { numRuns: 300 },
    );
  });

  it('a short query counted on a long value from its k-mer values alone', () => {
    const storedArbitrary = fc
      .tuple(basesArbitrary([...AMBIGUITY], 300), basesArbitrary([...AMBIGUITY], 300), basesArbitrary(['A'], 300))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(layoutArbitrary, tuningArbitrary, storedArbitrary, fc.nat(), fc.nat(3), (layoutCase, tuning, bases, start, extra) => {
        const { k, b } = layoutCase;
        fc.pre(bases.length >= 16 * 3 * (extra + 1) + k);
        const layout = keyLayout(k, b);
        const from = start % (bases.length - k + 1);
        const queryKeys = queryKeysOf(layout, bases.slice(from, from + k + extra).padEnd(k, 'A'), oneTable);
        const long = new KeyExtractor(tuning);
        for (const value of [packDna4(bases), packDna2(bases.replace(/[^ACGT]/g, 'C'))]) {
          const counted = long.countSharedByQueryValues(value, queryKeys);
          expect(counted).toBeDefined();
          expect(counted).toBe(countShared(oneTable.extractStored(layout, value), queryKeys));
          expect(matchscore(value, queryKeys, long)).toBe(counted);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('partitions far above their target size (the tables grow), and inputs without any window left', () => {
    let seed = 99;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 30;
    const bases = Array.from({ length: 60_000 }, (_, i) => (i % 5000 < 4000 ? 'ACGT'[random()]! : 'A')).join('');
    // One value per partition wanted: with at most 4,096 partitions, each holds ~15 and starts with a tiny table.
    const long = new KeyExtractor({ minWindows: 0, valuesPerPartition: 1, chunkWindows: 1024 });
    for (const [k, b] of [[12, 8], [16, 0], [24, 4], [32, 0]] as const) {
      const layout = keyLayout(k, b);
      expect(keysAsBigInts(long.extractStored(layout, packDna2(bases)))).toEqual(keysAsBigInts(oneTable.extractStored(layout, packDna2(bases))));
      expect(keysAsBigInts(long.extractQuery(layout, bases))).toEqual(keysAsBigInts(oneTable.extractQuery(layout, bases)));
    }
    expect(long.extractStored(keyLayout(8, 2), packDna4('N'.repeat(500))).count).toBe(0);
    expect(chunkedKeys(long, 8, 2, packDna4('ACGTACGTMMACGT'.repeat(30)))).toEqual(
      keysAsBigInts(oneTable.extractStored(keyLayout(8, 2), packDna4('ACGTACGTMMACGT'.repeat(30)))),
    );
  });

  it('chunkWindows must be a positive multiple of 4 (a DNA2 chunk starts on a byte)', () => {
    expect(() => new KeyExtractor({ minWindows: 0, valuesPerPartition: 4, chunkWindows: 6 })).toThrow(RangeError);
    expect(() => new KeyExtractor({ minWindows: 0, valuesPerPartition: 4, chunkWindows: 0 })).toThrow(RangeError);
  });
});

describe('results handed over to the caller', () => {
  const tuning: LongInputTuning = { minWindows: 100, valuesPerPartition: 8, chunkWindows: 16 };
  const long = 'ACGTTGCAAGCTAGCTTTAGGCATCGATCGGGATCCA'.repeat(20);
  const layout = keyLayout(10, 2);

  it('a long result released stays valid after the next call; a short one is not released', () => {
    const extractor = new KeyExtractor(tuning);
    const first = extractor.extractStored(layout, packDna2(long));
    const expected = keysAsBigInts(first);
    expect(extractor.releaseLastResult()).toBe(true);
    expect(extractor.releaseLastResult()).toBe(false);
    extractor.extractStored(layout, packDna2(long.split('').reverse().join('')));
    expect(keysAsBigInts(first)).toEqual(expected);
    extractor.extractStored(layout, packDna2('ACGTACGTACGTAC'));
    expect(extractor.releaseLastResult()).toBe(false);
  });

  it('sorting released arrays in place gives the sorted copy of the one-table keys', () => {
    const extractor = new KeyExtractor(tuning);
    for (const b of [0, 2, 16]) {
      for (const k of [10, 24, 32]) {
        if (2 * k + b > 64) continue;
        const sorted = storedKeysOf(keyLayout(k, b), packDna4(long.replace(/TTT/g, 'TRT')), extractor);
        const expected = toSortedKeys(oneTable.extractStored(keyLayout(k, b), packDna4(long.replace(/TTT/g, 'TRT'))));
        expect(keysAsBigInts(sorted)).toEqual(keysAsBigInts(expected));
        expect(sorted.count).toBe(expected.count);
      }
    }
  });
});

describe('a large sorted key list is searched through a directory', () => {
  function sortedNarrow(count: number, totalBits: number, next: () => number): KeyList {
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = next() % 2 ** totalBits;
    values.sort();
    let distinct = 0;
    for (let i = 0; i < count; i++) if (distinct === 0 || values[distinct - 1] !== values[i]) values[distinct++] = values[i]!;
    return { layout: keyLayout(16, totalBits - 32), wide: false, count: distinct, values: values.slice(0, distinct) };
  }

  it('answers as the hash table does, for spread and for crowded keys', () => {
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    // Spread over 40 bits; then crowded into the lowest 2^-18 of the range, all in the first bucket (searched).
    const spread = sortedNarrow(1_100_000, 40, () => random() * 256 + (random() & 255));
    const crowded = sortedNarrow(1_500_000, 40, () => random() % 2 ** 22);
    for (const keys of [spread, crowded]) {
      // At least 2^20 keys: the size from which sorted lists get a directory.
      expect(keys.count).toBeGreaterThanOrEqual(1 << 20);
      const directory = new KeySet(keys, true);
      const table = new KeySet(keys);
      expect(directory.size).toBe(table.size);
      const probes = new Float64Array(200_000);
      for (let i = 0; i < probes.length; i++) probes[i] = i % 2 === 0 && !keys.wide ? keys.values[random() % keys.count]! : (random() % 2 ** 22) * (i % 4 === 1 ? 1 : 2 ** 18);
      const probeList: KeyList = { layout: keys.layout, wide: false, count: probes.length, values: probes };
      expect(directory.countIn(probeList)).toBe(table.countIn(probeList));
      for (let i = 0; i < 5000; i++) expect(directory.has(probeList, i)).toBe(table.has(probeList, i));
    }
  });
});
