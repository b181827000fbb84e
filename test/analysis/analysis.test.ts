import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  analyzeHighFrequencyKeys,
  highFrequencyKeySet,
  highFrequencyThreshold,
  isHighFrequency,
  splitQueryKeys,
  type HighFrequencyAnalysis,
  type HighFrequencyAnalysisOptions,
  type KeyCountingVariant,
} from '../../src/analysis/index.js';
import type { DnaValue } from '../../src/dna/types.js';
import { KmerSearchError } from '../../src/errors.js';
import { keyLayout, queryKeysOf, storedKeysOf, type KeyLayout, type SortedKeys } from '../../src/kmer/index.js';
import { WorkerPool } from '../../src/parallel/index.js';
import { StorageEngine, type TableRecord } from '../../src/storage/index.js';
import { createSequenceTable, dnaText, layouts, pack, packDna2 } from '../gin/helpers.js';

let pool: WorkerPool;
let engine: StorageEngine;

beforeAll(() => {
  pool = new WorkerPool({ maxThreads: 4 });
});
afterAll(async () => {
  await pool.close();
});
beforeEach(async () => {
  engine = await StorageEngine.open();
});
afterEach(async () => {
  await engine.close();
});

const TWO_POW_32 = 2 ** 32;

/** Commits a DNA table of `values` (in order) and returns it. */
async function seedTable(kind: 'dna2' | 'dna4', values: readonly (DnaValue | null)[], name = 'sequences'): Promise<TableRecord> {
  const write = await engine.beginWrite();
  const table = createSequenceTable(write, kind, name);
  write.insertRows(
    table.id,
    values.map((value, index) => [index, value]),
  );
  write.commit();
  return table;
}

async function analyze(table: TableRecord, overrides: Partial<HighFrequencyAnalysisOptions> & { kmerSize: number; occurrenceBits: number }): Promise<HighFrequencyAnalysis> {
  const snapshot = engine.beginRead();
  try {
    return await analyzeHighFrequencyKeys(snapshot, [{ tableId: table.id, columnIndex: 1 }], {
      databasePath: engine.path,
      maxAppearanceRate: 0,
      maxAppearanceNrow: 0,
      pool,
      workers: 2,
      memoryBudgetBytes: 1 << 20,
      ...overrides,
    });
  } finally {
    snapshot.close();
  }
}

/** The first key of query text in a narrow layout. */
function firstKey(layout: KeyLayout, text: string): number {
  const keys = queryKeysOf(layout, text);
  if (keys.wide) throw new Error('narrow layout expected');
  return keys.values[0]!;
}

/** Key → text, exact for both layouts. */
function keyText(keys: SortedKeys, index: number): string {
  if (keys.wide) return `${keys.high[index]}:${keys.low[index]}`;
  const value = keys.values[index]!;
  return `${Math.floor(value / TWO_POW_32)}:${value >>> 0}`;
}

/** The single-threaded model: rows containing each key, counted in a Map. */
function modelCounts(layout: KeyLayout, values: readonly (DnaValue | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) {
    if (value === null) continue;
    const keys = storedKeysOf(layout, value);
    for (let index = 0; index < keys.count; index++) {
      const text = keyText(keys, index);
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
  }
  return counts;
}

function resultCounts(result: HighFrequencyAnalysis): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = 0; index < result.keys.count; index++) counts.set(keyText(result.keys, index), result.appearanceNrows[index]!);
  return counts;
}

function sortedEntries(counts: Map<string, number>): [string, number][] {
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

async function caught(promise: Promise<unknown>): Promise<KmerSearchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KmerSearchError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('threshold (reference analysis §2.3)', () => {
  it('truncates the IEEE double product', () => {
    expect(highFrequencyThreshold(100, 0.29, 0)).toBe(28);
    expect(highFrequencyThreshold(100, 0.15, 0)).toBe(15);
    expect(highFrequencyThreshold(14, 0.25, 0)).toBe(3);
    expect(highFrequencyThreshold(3, 0.5, 0)).toBe(1);
  });

  it('rate 0 gives 0, rate 1 gives total_rows, and max_appearance_nrow caps only when > 0', () => {
    expect(highFrequencyThreshold(100, 0, 0)).toBe(0);
    expect(highFrequencyThreshold(100, 1, 0)).toBe(100);
    expect(highFrequencyThreshold(100, 0.5, 10)).toBe(10);
    expect(highFrequencyThreshold(100, 0.05, 10)).toBe(5);
    expect(highFrequencyThreshold(0, 0.5, 10)).toBe(0);
  });

  it('is strictly greater', () => {
    expect(isHighFrequency(28, 28)).toBe(false);
    expect(isHighFrequency(29, 28)).toBe(true);
  });
});

describe('analysis with the reference numbers', () => {
  // Rows: 29 with AAAAC, 28 with CCCCG, 43 with TTTTT; k = 4, b = 0.
  const rows = [
    ...Array.from({ length: 29 }, () => packDna2('AAAAC')),
    ...Array.from({ length: 28 }, () => packDna2('CCCCG')),
    ...Array.from({ length: 43 }, () => packDna2('TTTTT')),
  ];
  const key = (text: string): number => firstKey(keyLayout(4, 0), text);

  for (const workers of [0, 2]) {
    it(`100 rows × 0.29 → threshold 28 (${workers} workers)`, async () => {
      const table = await seedTable('dna2', rows);
      const result = await analyze(table, { kmerSize: 4, occurrenceBits: 0, maxAppearanceRate: 0.29, workers });
      expect(result.totalRows).toBe(100);
      expect(result.threshold).toBe(28);
      // AAAA (29 rows), AAAC (29), TTTT (43) are above 28; CCCC and CCCG (28) are not.
      expect(resultCounts(result)).toEqual(
        new Map([
          [`0:${key('AAAA')}`, 29],
          [`0:${key('AAAC')}`, 29],
          [`0:${key('TTTT')}`, 43],
        ]),
      );
    });
  }

  it('rate 1 finds nothing and reports total_rows as the threshold', async () => {
    const table = await seedTable('dna2', rows);
    const result = await analyze(table, { kmerSize: 4, occurrenceBits: 0, maxAppearanceRate: 1 });
    expect([result.keys.count, result.threshold, result.distinctKeys]).toEqual([0, 100, 5]);
  });

  it('max_appearance_nrow caps the threshold', async () => {
    const table = await seedTable('dna2', rows);
    const result = await analyze(table, { kmerSize: 4, occurrenceBits: 0, maxAppearanceRate: 0.5, maxAppearanceNrow: 28 });
    expect(result.threshold).toBe(28);
    expect(result.keys.count).toBe(3);
  });

  it('counts NULL rows in total_rows and short rows as rows without keys', async () => {
    const table = await seedTable('dna2', [packDna2('ACGTACGT'), null, packDna2('ACG'), packDna2('ACGTA')]);
    const result = await analyze(table, { kmerSize: 4, occurrenceBits: 2, maxAppearanceRate: 0.5, workers: 0 });
    expect([result.totalRows, result.sequences, result.threshold, result.parallelWorkersUsed]).toEqual([4, 3, 2, 0]);
    // Only ACGT slot 0 (2 rows) … is not above 2; nothing is high-frequency.
    expect(result.keys.count).toBe(0);
    const all = await analyze(table, { kmerSize: 4, occurrenceBits: 2, workers: 0 });
    expect(sortedEntries(resultCounts(all))).toEqual(sortedEntries(modelCounts(keyLayout(4, 2), [packDna2('ACGTACGT'), packDna2('ACGTA')])));
  });

  it('counts occurrence slots as distinct keys (reference §2.2)', async () => {
    const table = await seedTable('dna2', [packDna2('AAAAAA'), packDna2('AAAA')]);
    const result = await analyze(table, { kmerSize: 4, occurrenceBits: 2, workers: 0 });
    // AAAA slot 0 in 2 rows, slots 1 and 2 in 1 row: keys 0, 1, 2.
    expect(sortedEntries(resultCounts(result))).toEqual([
      ['0:0', 2],
      ['0:1', 1],
      ['0:2', 1],
    ]);
  });
});

describe('parallel counting equals the single-threaded model', () => {
  const variants: KeyCountingVariant[] = ['sorted', 'shared', 'per-worker'];

  it('for random tables, layouts, rates and worker counts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'dna2' | 'dna4'>('dna2', 'dna4').chain((kind) =>
          fc.tuple(
            fc.constant(kind),
            fc.array(fc.oneof({ weight: 8, arbitrary: dnaText(kind, 0, 60) }, { weight: 1, arbitrary: fc.constant(null) }), {
              minLength: 0,
              maxLength: 700,
              size: 'large',
            }),
          ),
        ),
        layouts,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 })),
        async ([kind, texts], layout, rate, nrowCap) => {
          await engine.close();
          engine = await StorageEngine.open();
          const values = texts.map((text) => pack(kind, text));
          const table = await seedTable(kind, values);
          const model = modelCounts(layout, values);
          const threshold = highFrequencyThreshold(values.length, rate, nrowCap);
          const expectedAll = sortedEntries(model);
          const expectedHigh = expectedAll.filter(([, count]) => count > threshold);
          for (const variant of variants) {
            if (variant === 'sorted' && (layout.totalBits <= 24 || layout.totalBits > 52)) continue;
            for (const workers of [0, 1, 2, 4]) {
              const base = { kmerSize: layout.kmerSize, occurrenceBits: layout.occurrenceBits, workers, variant, memoryBudgetBytes: 16 << 20 };
              const all = await analyze(table, base);
              expect(all.totalRows).toBe(values.length);
              expect(all.distinctKeys).toBe(model.size);
              expect(sortedEntries(resultCounts(all))).toEqual(expectedAll);
              expect(all.parallelWorkersUsed).toBeLessThanOrEqual(workers);
              if (workers === 0) expect(all.parallelWorkersUsed).toBe(0);
              else if (values.length > 0) expect(all.parallelWorkersUsed).toBeGreaterThanOrEqual(1);
              const high = await analyze(table, { ...base, maxAppearanceRate: rate, maxAppearanceNrow: nrowCap });
              expect(high.threshold).toBe(threshold);
              expect(sortedEntries(resultCounts(high))).toEqual(expectedHigh);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);

  it('adds up the sources of a partitioned table', async () => {
    const first = await seedTable('dna2', [packDna2('ACGTACGT'), null], 'part1');
    const second = await seedTable('dna2', [packDna2('ACGTT'), packDna2('GGGGG')], 'part2');
    const snapshot = engine.beginRead();
    try {
      const result = await analyzeHighFrequencyKeys(
        snapshot,
        [
          { tableId: first.id, columnIndex: 1 },
          { tableId: second.id, columnIndex: 1 },
        ],
        { databasePath: engine.path, kmerSize: 4, occurrenceBits: 0, maxAppearanceRate: 0.25, maxAppearanceNrow: 0, pool, workers: 2, memoryBudgetBytes: 1 << 16 },
      );
      expect([result.totalRows, result.threshold]).toEqual([4, 1]);
      expect(resultCounts(result)).toEqual(new Map([[`0:${firstKey(keyLayout(4, 0), 'ACGT')}`, 2]]));
    } finally {
      snapshot.close();
    }
  });
});

describe('workers, progress, limits and failures', () => {
  const manyRows = (rows: number, length: number): DnaValue[] => {
    let state = 7;
    return Array.from({ length: rows }, () => {
      let text = '';
      for (let index = 0; index < length; index++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        text += 'ACGT'[state >>> 30];
      }
      return packDna2(text);
    });
  };

  for (const variant of ['shared', 'per-worker'] as const) {
    it(`reports the worker threads that scanned blocks and the progress (${variant})`, async () => {
      const table = await seedTable('dna2', manyRows(40 * 256, 20));
      // Both threads alive before timing starts: a thread still starting would rightly not be counted.
      await analyze(table, { kmerSize: 8, occurrenceBits: 1, workers: 4 });
      const progress: number[] = [];
      let total = 0;
      const result = await analyze(table, {
        kmerSize: 8,
        occurrenceBits: 1,
        workers: 2,
        variant,
        memoryBudgetBytes: 16 << 20,
        testHooks: { delayPerBlockMs: 25 },
        progressIntervalMs: 10,
        onProgress: ({ blocksDone, blocksTotal }) => {
          progress.push(blocksDone);
          total = blocksTotal;
        },
      });
      expect(result.parallelWorkersUsed).toBe(2);
      expect(result.blocks).toBe(40);
      expect(total).toBe(40);
      expect(progress.at(-1)).toBe(40);
      expect(progress.length).toBeGreaterThan(2);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    });
  }

  it('raises 53200 when the count tables outgrow maintenance_work_mem', async () => {
    const table = await seedTable('dna2', manyRows(2 * 256, 200));
    for (const variant of ['shared', 'per-worker'] as const) {
      for (const workers of [0, 2]) {
        const error = await caught(analyze(table, { kmerSize: 16, occurrenceBits: 8, workers, variant, memoryBudgetBytes: 64 * 1024 }));
        expect([error.code, error.message, error.hint]).toEqual(['53200', 'out of memory for the high-frequency k-mer analysis', 'Increase maintenance_work_mem.']);
      }
    }
  });

  for (const workers of [0, 1, 2]) {
    it(`stops within a second of the abort and leaves no worker running (${workers} workers)`, async () => {
      const table = await seedTable('dna2', manyRows(100 * 256, 12));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const started = performance.now();
      const error = await caught(analyze(table, { kmerSize: 6, occurrenceBits: 1, workers, signal: controller.signal, testHooks: { delayPerBlockMs: 20 } }));
      expect([error.code, error.message]).toEqual(['57014', 'canceling statement due to user request']);
      expect(performance.now() - started).toBeLessThan(1300);
      // Every participant has returned: the pool's threads are free for the next analysis at once.
      const again = performance.now();
      const result = await analyze(table, { kmerSize: 6, occurrenceBits: 1, workers: 4 });
      expect(result.totalRows).toBe(100 * 256);
      expect(performance.now() - again).toBeLessThan(5000);
    });
  }

  it('rejects with the worker error as a KmerSearchError', async () => {
    const table = await seedTable('dna2', manyRows(8 * 256, 12));
    for (const workers of [0, 2]) {
      const error = await caught(analyze(table, { kmerSize: 6, occurrenceBits: 1, workers, testHooks: { failAtBlock: 3 } }));
      expect([error.code, error.message, error.detail, error.hint]).toEqual(['XX001', 'test hook: failure at block 3', 'injected', 'none']);
      const foreign = await caught(analyze(table, { kmerSize: 6, occurrenceBits: 1, workers, testHooks: { failAtBlock: 2, foreignError: true } }));
      expect([foreign.code, foreign.message]).toEqual(['XX000', 'test hook: failure at block 2']);
    }
  });
});

describe('the high-frequency set', () => {
  it('is a SharedKeySet of the result and splits query keys into H and Q \\ H', async () => {
    const layout = keyLayout(4, 0);
    const table = await seedTable('dna2', [packDna2('AAAAC'), packDna2('AAAAG'), packDna2('CCCCG')]);
    const result = await analyze(table, { kmerSize: 4, occurrenceBits: 0, maxAppearanceRate: 0.5 });
    const set = highFrequencyKeySet(result);
    expect(set.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(set.size).toBe(1);
    const query = queryKeysOf(layout, 'AAAACCCC');
    const split = splitQueryKeys(query, set);
    expect(split.excluded.count).toBe(1);
    expect(keyText(split.excluded, 0)).toBe(`0:${firstKey(layout, 'AAAA')}`);
    expect(split.searched.count).toBe(query.count - 1);
  });

  it('works for wide layouts', async () => {
    const layout = keyLayout(28, 8);
    const text = 'ACGTTGCAACGTTGCAACGTTGCAACGTA';
    const table = await seedTable('dna2', [packDna2(text), packDna2(text), packDna2('ACGT')]);
    const result = await analyze(table, { kmerSize: 28, occurrenceBits: 8, maxAppearanceRate: 0.5 });
    expect(result.keys.count).toBe(2);
    const split = splitQueryKeys(queryKeysOf(layout, text), highFrequencyKeySet(result));
    expect([split.excluded.count, split.searched.count]).toEqual([2, 0]);
  });
});
