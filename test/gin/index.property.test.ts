import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnaValue } from '../../src/dna/types.js';
import {
  GinSearcher,
  addPendingRows,
  ginIndexOptions,
  insertIndexRows,
  mergePendingList,
  openIndexSearch,
  topMatches,
} from '../../src/gin/index.js';
import { storedKeysOf, type KeyLayout } from '../../src/kmer/index.js';
import { buildIndex, WorkerPool } from '../../src/parallel/index.js';
import { StorageEngine, type StorageView } from '../../src/storage/index.js';
import {
  bruteForce,
  createKmerIndex,
  createSequenceTable,
  dnaText,
  layouts,
  matchesAsPairs,
  pack,
  queryFrom,
  seededRandom,
  spillFiles,
} from './helpers.js';

let pool: WorkerPool;
beforeAll(() => {
  pool = new WorkerPool({ maxThreads: 2 });
});
afterAll(async () => {
  await pool.close();
});

const searcher = new GinSearcher();
/** A searcher whose page cache holds 3 pages: every search evicts. */
const cachingSearcher = new GinSearcher({ pageCacheBytes: 3 * 8192 });

/** Search == brute force for a few random queries and thresholds, and the top-n helper agrees. */
function checkSearches(view: StorageView, indexId: number, model: Map<number, DnaValue | null>, layout: KeyLayout, random: () => number): void {
  const source = openIndexSearch(view, indexId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const query = queryFrom(model, layout, random);
    const ams = 1 + Math.floor(random() * 4);
    const expected = bruteForce(model, layout, query, ams);
    const matches = searcher.search(source, query, ams);
    expect(matchesAsPairs(matches)).toEqual(expected);
    expect(matchesAsPairs(cachingSearcher.search(source, query, ams))).toEqual(expected);
    const limit = 1 + Math.floor(random() * 4);
    const best = [...expected].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit);
    expect(matchesAsPairs(topMatches(matches, limit))).toEqual(best);
  }
}

const scenario = fc.record({
  kind: fc.constantFrom('dna2' as const, 'dna4' as const),
  layout: layouts,
  workers: fc.constantFrom(0, 1, 2),
  memoryBudgetBytes: fc.constantFrom(4 * 1024, 64 * 1024, 64 * 1024 * 1024),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  rowCount: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 200, max: 700 }) }),
  pendingLimit: fc.constantFrom(64, 1 << 30),
});

describe('index search equals the brute-force model', () => {
  it('after the bulk build, inserts (pending list), deletes, updates, a merge, and a rollback', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ kind, layout, workers, memoryBudgetBytes, seed, rowCount, pendingLimit }) => {
        const random = seededRandom(seed);
        const texts = fc.sample(fc.option(dnaText(kind), { freq: 8 }), { numRuns: rowCount + 120, seed });
        let nextText = 0;
        const takeText = (): DnaValue | null => pack(kind, texts[nextText++ % texts.length] ?? null);
        const engine = await StorageEngine.open();
        try {
          const resources = { memoryBudgetBytes, createSpillFile: (label?: string) => engine.createSpillFile(label) };
          const model = new Map<number, DnaValue | null>();

          // Bulk build.
          const write = await engine.beginWrite();
          const table = createSequenceTable(write, kind);
          const initial = Array.from({ length: rowCount }, takeText);
          write.insertRows(table.id, initial.map((value, index) => [index, value])).forEach((rowId, index) => model.set(rowId, initial[index]!));
          const index = createKmerIndex(write, table, layout.kmerSize, layout.occurrenceBits);
          const report = await buildIndex(write, index.id, { database: engine, pool, workers, memoryBudgetBytes });
          expect(report.rows).toBe(initial.filter((value) => value !== null).length);
          checkSearches(write, index.id, model, layout, random);
          write.commit();
          expect(spillFiles(engine)).toEqual([]);
          let snapshot = engine.beginRead();
          checkSearches(snapshot, index.id, model, layout, random);
          snapshot.close();

          // Inserts after the build go to the pending list (a small limit merges on the way).
          const insert = await engine.beginWrite();
          const added = Array.from({ length: 1 + Math.floor(random() * 30) }, takeText);
          const addedIds = insert.insertRows(table.id, added.map((value, position) => [1000 + position, value]));
          addedIds.forEach((rowId, position) => model.set(rowId, added[position]!));
          await insertIndexRows(
            insert,
            index.id,
            addedIds.map((rowId, position) => ({ rowId, value: added[position]! })),
            { ...resources, pendingListLimitBytes: pendingLimit },
          );
          checkSearches(insert, index.id, model, layout, random);
          insert.commit();
          snapshot = engine.beginRead();
          checkSearches(snapshot, index.id, model, layout, random);
          snapshot.close();

          // Deletes and updates (delete + insert of a new version, which goes to the pending list).
          const change = await engine.beginWrite();
          const live = [...model.keys()];
          const deleted = live.filter(() => random() < 0.25);
          change.deleteRows(table.id, deleted);
          for (const rowId of deleted) model.delete(rowId);
          const survivors = [...model.keys()].filter(() => random() < 0.2);
          const newValues = survivors.map(takeText);
          const newIds = change.updateRows(
            table.id,
            survivors.map((rowId, position) => ({ rowId, values: [rowId, newValues[position]!] })),
          );
          survivors.forEach((rowId) => model.delete(rowId));
          const updatedRows = newIds.map((rowId, position) => ({ rowId: rowId as number, value: newValues[position]! }));
          for (const row of updatedRows) model.set(row.rowId, row.value);
          addPendingRows(change, index.id, updatedRows);
          checkSearches(change, index.id, model, layout, random);
          change.commit();
          snapshot = engine.beginRead();
          checkSearches(snapshot, index.id, model, layout, random);
          snapshot.close();

          // Merge of the pending list: stale postings of deleted rows are dropped.
          const merge = await engine.beginWrite();
          const merged = await mergePendingList(merge, index.id, resources);
          expect(ginIndexOptions(merged.index).pendingRows).toBe(0);
          let livePostings = 0;
          for (const value of model.values()) if (value !== null) livePostings += storedKeysOf(layout, value).count;
          expect(merged.statistics.postings).toBe(livePostings);
          merge.commit();
          expect(spillFiles(engine)).toEqual([]);
          snapshot = engine.beginRead();
          checkSearches(snapshot, index.id, model, layout, random);
          snapshot.close();

          // A rolled-back insert leaves no pending entries behind, even when its row ids are used again.
          const rolledBack = await engine.beginWrite();
          const ghosts = Array.from({ length: 5 }, takeText);
          const ghostIds = rolledBack.insertRows(table.id, ghosts.map((value, position) => [2000 + position, value]));
          addPendingRows(rolledBack, index.id, ghostIds.map((rowId, position) => ({ rowId, value: ghosts[position]! })));
          rolledBack.rollback();
          const reuse = await engine.beginWrite();
          const fresh = Array.from({ length: 5 }, takeText);
          const freshIds = reuse.insertRows(table.id, fresh.map((value, position) => [3000 + position, value]));
          expect(freshIds).toEqual(ghostIds);
          addPendingRows(reuse, index.id, freshIds.map((rowId, position) => ({ rowId, value: fresh[position]! })));
          freshIds.forEach((rowId, position) => model.set(rowId, fresh[position]!));
          reuse.commit();
          snapshot = engine.beginRead();
          checkSearches(snapshot, index.id, model, layout, random);
          snapshot.close();
        } finally {
          await engine.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
