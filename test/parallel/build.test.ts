import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DnaValue } from '../../src/dna/types.js';
import { KmerSearchError } from '../../src/errors.js';
import { GinSearcher, addPendingRows, openIndexSearch, spaceEnd, spaceStart, type RunSource } from '../../src/gin/index.js';
import { IndexBuilder } from '../../src/gin/index.js';
import { actualMinScore, keyLayout, queryKeysOf, storedKeysOf, toSortedKeys, withoutKeys } from '../../src/kmer/index.js';
import {
  SharedKeySet,
  WorkerPool,
  buildIndex,
  describeIndexSearch,
  searchQueries,
  type IndexBuildOptions,
} from '../../src/parallel/index.js';
import { StorageEngine, type IndexRecord, type TableRecord } from '../../src/storage/index.js';
import {
  bruteForce,
  createKmerIndex,
  createSequenceTable,
  dnaText,
  matchesAsPairs,
  pack,
  packDna2,
  queryFrom,
  seededRandom,
  spillFiles,
} from '../gin/helpers.js';

let pool: WorkerPool;
let engine: StorageEngine;

beforeAll(() => {
  pool = new WorkerPool({ maxThreads: 2 });
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

function randomBases(length: number, seed: number): string {
  const random = seededRandom(seed);
  let text = '';
  for (let index = 0; index < length; index++) text += 'ACGT'[Math.floor(random() * 4)];
  return text;
}

/** A committed DNA2 table of `rows` random rows of `length` bases; returns the table and the model. */
async function seedTable(rows: number, length: number): Promise<{ table: TableRecord; model: Map<number, DnaValue | null> }> {
  const write = await engine.beginWrite();
  const table = createSequenceTable(write, 'dna2');
  const values = Array.from({ length: rows }, (_, index) => packDna2(randomBases(length, index + 1)));
  const model = new Map<number, DnaValue | null>();
  write.insertRows(table.id, values.map((value, index) => [index, value])).forEach((rowId, index) => model.set(rowId, values[index]!));
  write.commit();
  return { table, model };
}

function options(overrides: Partial<IndexBuildOptions> = {}): IndexBuildOptions {
  return { database: engine, pool, workers: 2, memoryBudgetBytes: 64 * 1024, ...overrides };
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

/** The pages under an index's storage space, as hex (to compare builds); the key filter is left out. */
function pageBytes(index: IndexRecord): string[] {
  const snapshot = engine.beginRead();
  try {
    return [...snapshot.indexEntries(spaceStart(index.storageId), spaceEnd(index.storageId))]
      .filter(({ key }) => key.byteLength >= 12)
      .map(
      ({ key, value }) => `${Buffer.from(key).subarray(4).toString('hex')}:${Buffer.from(value).toString('hex')}`,
    );
  } finally {
    snapshot.close();
  }
}

describe('index builds on worker threads', () => {
  it('writes the same pages with 0, 1 and 2 workers and any memory budget', async () => {
    await seedTable(900, 120);
    const results: string[][] = [];
    for (const [workers, memoryBudgetBytes] of [[0, 1 << 26], [1, 4096], [2, 64 * 1024], [2, 1 << 26]] as const) {
      const write = await engine.beginWrite();
      const index = createKmerIndex(write, write.getTable('sequences')!, 12, 2);
      const report = await buildIndex(write, index.id, options({ workers, memoryBudgetBytes }));
      expect(report.workersUsed).toBe(workers);
      expect(report.participants).toHaveLength(Math.max(1, workers));
      if (memoryBudgetBytes === 4096) expect(report.spilledRuns).toBeGreaterThan(2);
      write.commit();
      const stored = engine.beginRead().getIndex(index.id)!;
      results.push(pageBytes(stored));
      // A key filter is written when the budget has room for one.
      expect(engine.beginRead().readIndexEntry(spaceStart(stored.storageId)) !== undefined).toBe(memoryBudgetBytes >= 1 << 26);
      expect(spillFiles(engine)).toEqual([]);
    }
    expect(results[0]!.length).toBeGreaterThan(1);
    for (const result of results) expect(result).toEqual(results[0]);
  });

  it('writes the same pages and key filter when the worker merges and encodes them (encodeInWorker)', async () => {
    await seedTable(900, 120);
    const stored: { pages: string[]; filter: string | undefined }[] = [];
    const budgets = [4096, 1 << 26, 1 << 20];
    for (const [encodeInWorker, memoryBudgetBytes] of budgets.flatMap((budget) => [[false, budget], [true, budget]] as const)) {
      const write = await engine.beginWrite();
      const index = createKmerIndex(write, write.getTable('sequences')!, 12, 2);
      const report = await buildIndex(write, index.id, options({ workers: 1, memoryBudgetBytes, encodeInWorker }));
      expect([report.workersUsed, report.rows]).toEqual([1, 900]);
      if (memoryBudgetBytes === 4096) expect(report.spilledRuns).toBeGreaterThan(2);
      // 1 MiB: several runs kept in memory (the worker copies the ones it keeps: its run arrays are reused), the
      // later ones spilled.
      if (memoryBudgetBytes === 1 << 20) expect(report.runs - report.spilledRuns).toBeGreaterThan(1);
      if (memoryBudgetBytes === 1 << 20) expect(report.spilledRuns).toBeGreaterThan(0);
      write.commit();
      const record = engine.beginRead().getIndex(index.id)!;
      const filter = engine.beginRead().readIndexEntry(spaceStart(record.storageId));
      stored.push({ pages: pageBytes(record), filter: filter === undefined ? undefined : Buffer.from(filter).toString('hex') });
      expect(spillFiles(engine)).toEqual([]);
    }
    expect(stored[0]!.pages.length).toBeGreaterThan(1);
    expect(stored[1]).toEqual(stored[0]);
    expect(stored[2]!.filter).toBeDefined();
    expect(stored[3]).toEqual(stored[2]);
    expect(stored[2]!.pages).toEqual(stored[0]!.pages);
    expect(stored[5]).toEqual(stored[4]);
    expect(stored[4]!.pages).toEqual(stored[0]!.pages);
  });

  it('lets fast workers take more blocks: every block is processed exactly once', async () => {
    await seedTable(64 * 256, 20);
    const write = await engine.beginWrite();
    const index = createKmerIndex(write, write.getTable('sequences')!, 8, 0);
    const report = await buildIndex(write, index.id, options({ testHooks: { delayPerBlockMs: 2 } }));
    write.rollback();
    expect(report.blocks).toBe(64);
    const blocks = report.participants.map((participant) => participant.blocks);
    expect(blocks.reduce((sum, count) => sum + count, 0)).toBe(64);
    expect(Math.min(...blocks)).toBeGreaterThan(0);
    expect(new Set(report.participants.map((participant) => participant.threadId)).size).toBe(2);
    expect(report.rows).toBe(64 * 256);
  });

  it('sees rows committed after the pool’s workers started (no stale read snapshot)', async () => {
    const { table, model } = await seedTable(300, 60);
    const layout = keyLayout(10, 1);
    for (let round = 0; round < 3; round++) {
      const write = await engine.beginWrite();
      const values = Array.from({ length: 300 }, (_, index) => packDna2(randomBases(60, 1000 * (round + 1) + index)));
      write.insertRows(table.id, values.map((value, index) => [index, value])).forEach((rowId, index) => model.set(rowId, values[index]!));
      const index = createKmerIndex(write, table, layout.kmerSize, layout.occurrenceBits);
      const report = await buildIndex(write, index.id, options());
      expect(report.rows).toBe(model.size);
      write.commit();
      const snapshot = engine.beginRead();
      const random = seededRandom(round + 7);
      const query = queryFrom(model, layout, random);
      expect(matchesAsPairs(new GinSearcher().search(openIndexSearch(snapshot, index.id), query, 2))).toEqual(
        bruteForce(model, layout, query, 2),
      );
      snapshot.close();
    }
  });

  it('leaves high-frequency keys out (a shared key set) in the build and in pending inserts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, 2), async (seed, workers) => {
        const local = await StorageEngine.open();
        try {
          const layout = keyLayout(6, 2);
          const texts = fc.sample(dnaText('dna4', 0, 60), { numRuns: 60, seed });
          const model = new Map<number, DnaValue | null>();
          const write = await local.beginWrite();
          const table = createSequenceTable(write, 'dna4');
          const values = texts.slice(0, 40).map((text) => pack('dna4', text));
          write.insertRows(table.id, values.map((value, index) => [index, value])).forEach((rowId, index) => model.set(rowId, values[index]!));
          // Exclude the keys of a few rows.
          const pooled: number[] = [];
          for (const value of values.slice(0, 3)) {
            const keys = value === null ? null : storedKeysOf(layout, value);
            if (keys !== null && !keys.wide) pooled.push(...keys.values);
          }
          const excluded = SharedKeySet.from(toSortedKeys({ layout, wide: false, count: pooled.length, values: Float64Array.from(pooled) }));
          const index = createKmerIndex(write, table, layout.kmerSize, layout.occurrenceBits);
          await buildIndex(write, index.id, { database: local, pool, workers, memoryBudgetBytes: 1 << 20, excludedKeys: excluded });
          const later = texts.slice(40).map((text) => pack('dna4', text));
          const laterIds = write.insertRows(table.id, later.map((value, index) => [100 + index, value]));
          laterIds.forEach((rowId, index) => model.set(rowId, later[index]!));
          addPendingRows(write, index.id, laterIds.map((rowId, index) => ({ rowId, value: later[index]! })), { excludedKeys: excluded });
          write.commit();
          const snapshot = local.beginRead();
          const source = openIndexSearch(snapshot, index.id);
          const random = seededRandom(seed);
          for (let attempt = 0; attempt < 4; attempt++) {
            const query = queryFrom(model, layout, random);
            expect(matchesAsPairs(new GinSearcher().search(source, query, 1))).toEqual(bruteForce(model, layout, query, 1, excluded));
          }
          snapshot.close();
        } finally {
          await local.close();
        }
      }),
      { numRuns: 10 },
    );
  });

  it('searches on worker threads exactly as in the calling thread', async () => {
    const { model } = await seedTable(500, 150);
    const write = await engine.beginWrite();
    const layout = keyLayout(11, 3);
    const index = createKmerIndex(write, write.getTable('sequences')!, layout.kmerSize, layout.occurrenceBits);
    await buildIndex(write, index.id, options());
    write.commit();
    // Pieces of the stored rows, some with degenerate codes appended.
    const texts = Array.from({ length: 60 }, (_, position) =>
      randomBases(150, position + 1).slice(position % 50, (position % 50) + 60) + 'NRYACG'.slice(0, position % 6),
    );
    const snapshot = engine.beginRead();
    const descriptor = describeIndexSearch(snapshot, index.id);
    snapshot.close();
    const input = {
      databasePath: engine.path,
      index: descriptor,
      queries: texts,
      thresholds: { minScore: 2, minSharedKmerRate: 0.1 },
      limit: 5,
    };
    const inThread = await searchQueries(null, 0, input);
    expect(inThread.rowIds.length).toBeGreaterThan(30);
    for (const workers of [1, 2]) expect(await searchQueries(pool, workers, input, { batchSize: 7 })).toEqual(inThread);
  });

  it('searches without the excluded keys (SPEC §4: Q \\ H, ams = max(1, base − |H|)) on workers as in the thread', async () => {
    const { model } = await seedTable(300, 150);
    const layout = keyLayout(9, 2);
    // Every third key of the first rows' keys is "high-frequency"; the index is built without them.
    const keysOfRow = (row: number): number[] => {
      const keys = storedKeysOf(layout, model.get(row)!);
      return keys.wide ? [] : [...keys.values];
    };
    const pooled = [...new Set([0, 1, 2, 3].flatMap(keysOfRow))].filter((_, position) => position % 3 === 0);
    const excluded = SharedKeySet.from(toSortedKeys({ layout, wide: false, count: pooled.length, values: Float64Array.from(pooled) }));
    const write = await engine.beginWrite();
    const index = createKmerIndex(write, write.getTable('sequences')!, layout.kmerSize, layout.occurrenceBits);
    await buildIndex(write, index.id, options({ excludedKeys: excluded }));
    write.commit();
    const texts = Array.from({ length: 20 }, (_, position) => randomBases(150, (position % 6) + 1).slice(position * 3, position * 3 + 40));
    const snapshot = engine.beginRead();
    const descriptor = describeIndexSearch(snapshot, index.id);
    snapshot.close();
    const thresholds = { minScore: 0, minSharedKmerRate: 0.5 };
    const input = { databasePath: engine.path, index: descriptor, queries: texts, thresholds, limit: 4, excludedKeys: excluded.buffer };
    const inThread = await searchQueries(null, 0, input);
    expect(await searchQueries(pool, 2, input, { batchSize: 3 })).toEqual(inThread);
    texts.forEach((text, query) => {
      const queryKeys = queryKeysOf(layout, text);
      const searched = withoutKeys(queryKeys, excluded);
      const ams = actualMinScore(thresholds, queryKeys.count, queryKeys.count - searched.count);
      const best = bruteForce(model, layout, searched, ams)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 4);
      const from = inThread.offsets[query]!;
      const to = inThread.offsets[query + 1]!;
      expect([...inThread.rowIds.subarray(from, to)].map((rowId, at) => [rowId, inThread.shared[from + at]!])).toEqual(best);
    });
    expect(inThread.rowIds.length).toBeGreaterThan(20);
  });
});

describe('failures', () => {
  async function expectNothingLeft(write: Awaited<ReturnType<StorageEngine['beginWrite']>>): Promise<void> {
    write.rollback();
    expect(spillFiles(engine)).toEqual([]);
    expect(engine.spaceUsage().gin.entries).toBe(0);
  }

  for (const workers of [0, 2]) {
    it(`reports a worker's KmerSearchError with its code, detail and hint (${workers} workers) and leaves nothing`, async () => {
      await seedTable(20 * 256, 30);
      const write = await engine.beginWrite();
      const index = createKmerIndex(write, write.getTable('sequences')!, 8, 2);
      const error = await caught(buildIndex(write, index.id, options({ workers, memoryBudgetBytes: 4096, testHooks: { failAtBlock: 12 } })));
      expect([error.code, error.message, error.detail, error.hint]).toEqual(['XX001', 'test hook: failure at block 12', 'injected', 'none']);
      await expectNothingLeft(write);
    });
  }

  it('reports a KmerSearchError of a worker that merges and encodes (encodeInWorker) and leaves nothing', async () => {
    await seedTable(20 * 256, 30);
    const write = await engine.beginWrite();
    const index = createKmerIndex(write, write.getTable('sequences')!, 8, 2);
    const error = await caught(
      buildIndex(write, index.id, options({ workers: 1, encodeInWorker: true, memoryBudgetBytes: 4096, testHooks: { failAtBlock: 12 } })),
    );
    expect([error.code, error.message, error.detail, error.hint]).toEqual(['XX001', 'test hook: failure at block 12', 'injected', 'none']);
    await expectNothingLeft(write);
  });

  it('reports any other error thrown in a worker as XX000 with its message', async () => {
    await seedTable(8 * 256, 30);
    const write = await engine.beginWrite();
    const index = createKmerIndex(write, write.getTable('sequences')!, 8, 2);
    const error = await caught(buildIndex(write, index.id, options({ testHooks: { failAtBlock: 3, foreignError: true } })));
    expect([error.code, error.message]).toEqual(['XX000', 'test hook: failure at block 3']);
    await expectNothingLeft(write);
  });

  it('reports a corrupt heap block', async () => {
    await seedTable(4 * 256, 30);
    const write = await engine.beginWrite();
    const index = createKmerIndex(write, write.getTable('sequences')!, 8, 2);
    const error = await caught(buildIndex(write, index.id, options({ testHooks: { corruptBlocks: [2] } })));
    expect([error.code, error.message]).toEqual(['XX001', 'heap block is corrupt: bad magic']);
    await expectNothingLeft(write);
  });

  it('removes pages already written when the merge fails', async () => {
    const write = await engine.beginWrite();
    createSequenceTable(write, 'dna2');
    const index = createKmerIndex(write, write.getTable('sequences')!, 16, 8);
    const builder = new IndexBuilder(write, index.id, {
      memoryBudgetBytes: 4096,
      createSpillFile: (label) => engine.createSpillFile(label),
    });
    // A source of 2M pairs (many page batches) that fails near its end.
    const chunk = 65536;
    let served = 0;
    const failing: RunSource = {
      high: new Uint32Array(chunk),
      low: Uint32Array.from({ length: chunk }, (_, position) => position * 16),
      rowIds: new Uint32Array(chunk),
      position: 0,
      length: chunk,
      refill(): boolean {
        served++;
        if (served > 30) throw new Error('source failed');
        for (let position = 0; position < chunk; position++) this.high[position] = served;
        this.position = 0;
        return true;
      },
    };
    let pagesSeen = 0;
    const watcher = setInterval(() => (pagesSeen = Math.max(pagesSeen, engine.spaceUsage().gin.entries)), 1);
    try {
      await expect(builder.finish({ sources: [failing] })).rejects.toThrow('source failed');
    } finally {
      clearInterval(watcher);
    }
    expect(pagesSeen).toBeGreaterThan(0);
    expect(engine.spaceUsage().gin.entries).toBe(0);
    write.rollback();
  });
});

describe('cancellation', () => {
  const schedules = [
    { label: '0 workers', workers: 0, encodeInWorker: false },
    { label: '1 workers', workers: 1, encodeInWorker: false },
    { label: '2 workers', workers: 2, encodeInWorker: false },
    { label: 'the worker merges and encodes', workers: 1, encodeInWorker: true },
  ];
  for (const { label, workers, encodeInWorker } of schedules) {
    it(`stops within a second of the abort and leaves nothing (${label})`, async () => {
      await seedTable(200 * 256, 12);
      const write = await engine.beginWrite();
      const index = createKmerIndex(write, write.getTable('sequences')!, 6, 1);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const started = performance.now();
      const error = await caught(
        buildIndex(write, index.id, options({ workers, encodeInWorker, memoryBudgetBytes: 4096, signal: controller.signal, testHooks: { delayPerBlockMs: 20 } })),
      );
      const elapsed = performance.now() - started;
      expect([error.code, error.message]).toEqual(['57014', 'canceling statement due to user request']);
      expect(elapsed).toBeLessThan(1300);
      write.rollback();
      expect(spillFiles(engine)).toEqual([]);
      expect(engine.spaceUsage().gin.entries).toBe(0);
    });
  }

  it('terminates a worker that does not reach its next block in time', async () => {
    await seedTable(8 * 256, 12);
    const local = new WorkerPool({ maxThreads: 1 });
    try {
      const write = await engine.beginWrite();
      const index = createKmerIndex(write, write.getTable('sequences')!, 6, 1);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = performance.now();
      const error = await caught(
        buildIndex(write, index.id, { ...options({ workers: 1, signal: controller.signal, testHooks: { delayPerBlockMs: 5000 } }), pool: local }),
      );
      expect(error.code).toBe('57014');
      expect(performance.now() - started).toBeLessThan(1100);
      write.rollback();
      // The pool still works afterwards (piscina replaced the terminated thread).
      const again = await engine.beginWrite();
      const report = await buildIndex(again, createKmerIndex(again, again.getTable('sequences')!, 6, 1).id, {
        ...options({ workers: 1 }),
        pool: local,
      });
      expect(report.rows).toBe(8 * 256);
      again.rollback();
    } finally {
      await local.close();
    }
  });

  it('refuses to start when already aborted', async () => {
    await seedTable(10, 12);
    const write = await engine.beginWrite();
    const index = createKmerIndex(write, write.getTable('sequences')!, 6, 1);
    const error = await caught(buildIndex(write, index.id, options({ signal: AbortSignal.abort() })));
    expect(error.code).toBe('57014');
    write.rollback();
  });
});
