/**
 * Claimed searches (src/parallel search-task.ts): SearchClaims hands each item to exactly one participant and
 * says who took it; pool tasks and the calling thread find each item's rows (deleted rows left out) as a search
 * in the calling thread does, whoever takes which item (test/sql/append-fan-out.test.ts mixes them); the pool
 * counts its free threads and lets a task nobody waits for answer before close() ends the threads.
 */
import { describe, expect, it } from 'vitest';
import { GinSearcher, openIndexSearch } from '../../src/gin/index.js';
import { keyLayout, queryKeysOf } from '../../src/kmer/index.js';
import {
  SearchClaims,
  WorkerPool,
  buildIndex,
  describeIndexSearch,
  searchClaimed,
  type ClaimedSearchInput,
  type ClaimedSearchResult,
} from '../../src/parallel/index.js';
import { HeapBlockReader, StorageEngine } from '../../src/storage/index.js';
import { createKmerIndex, createSequenceTable, matchesAsPairs, packDna2 } from '../gin/helpers.js';

describe('SearchClaims', () => {
  it('gives every item to one participant and says which', () => {
    const claims = SearchClaims.create(5);
    const other = new SearchClaims(claims.buffer);
    expect([claims.claim(1), other.claim(2), other.claim(2), claims.claim(1)]).toEqual([0, 1, 2, 3]);
    expect([0, 1, 2, 3, 4].map((item) => claims.holder(item))).toEqual([1, 2, 2, 1, 0]);
    expect(other.claim(3)).toBe(4);
    expect([claims.claim(1), other.claim(2), claims.claim(3)]).toEqual([-1, -1, -1]);
    expect(other.holder(4)).toBe(3);
    expect(claims.itemCount).toBe(5);
  });
});

describe('claimed searches', () => {
  it('find each index\'s rows once, in pool tasks or in the calling thread', async () => {
    const engine = await StorageEngine.open();
    const pool = new WorkerPool({ maxThreads: 2 });
    try {
      const write = await engine.beginWrite();
      const indexIds: number[] = [];
      for (const [position, motif] of ['ACGTTGCAAGCT', 'TTGCAAGCTACG', 'GGCATCGATCAA', 'ACGTTGCATTTT'].entries()) {
        const table = createSequenceTable(write, 'dna2', `sequences_${position}`);
        write.insertRows(table.id, Array.from({ length: 300 }, (_, row) => [row, packDna2(`${motif.repeat(1 + (row % 4))}${'ACGT'[row % 4]}`)]));
        const index = createKmerIndex(write, table, 6, 2);
        await buildIndex(write, index.id, { database: engine, workers: 0, memoryBudgetBytes: 1 << 20 });
        indexIds.push(index.id);
      }
      write.commit();
      // One row deleted after the build: the descriptor carries the view's deleted rows.
      const deleting = await engine.beginWrite();
      deleting.deleteRows(deleting.getTable('sequences_0')!.id, [5]);
      deleting.commit();

      const view = engine.beginRead();
      const keys = queryKeysOf(keyLayout(6, 2), 'ACGTTGCAAGCTACGTTGCA');
      const expected = indexIds.map((id) => matchesAsPairs(new GinSearcher().search(openIndexSearch(view, id), keys, 3)));
      // The third table's motif shares no 3 keys with the query: an item without rows.
      expect(expected.map((pairs) => pairs.length > 0)).toEqual([true, true, false, true]);
      expect(expected[0]?.some(([row]) => row === 5)).toBe(false);
      const input = (claims: SearchClaims, participant: number): ClaimedSearchInput => ({
        databasePath: engine.path,
        items: indexIds.map((id) => ({ index: describeIndexSearch(view, id), keyList: 0, minShared: 3 })),
        keyLists: [keys],
        claims: claims.buffer,
        participant,
      });
      /** The rows each participant's result gives per item (each item from one participant: its holder). */
      const rowsOf = (claims: SearchClaims, results: readonly ClaimedSearchResult[]): ([number, number][] | undefined)[] => {
        const found = new Map<number, [number, number][]>();
        for (const [position, result] of results.entries()) {
          result.items.forEach((item, at) => {
            expect(found.has(item)).toBe(false);
            expect(claims.holder(item)).toBe(position + 1);
            found.set(item, matchesAsPairs(result.matches[at]!));
          });
        }
        return indexIds.map((_, item) => found.get(item));
      };

      // The pool's tasks first: they take every item, and the calling thread finds none left.
      const pooled = SearchClaims.create(indexIds.length);
      expect(pool.freeThreads).toBe(2);
      const tasks = [2, 3].map((participant) => pool.run<ClaimedSearchResult>({ kind: 'search-claimed', input: input(pooled, participant) }));
      expect(pool.freeThreads).toBe(0);
      const answers = await Promise.all(tasks);
      expect(pool.freeThreads).toBe(2);
      const reader = HeapBlockReader.open(engine.path);
      const none = searchClaimed(reader, input(pooled, 1));
      expect(none).toEqual({ items: [], matches: [] });
      expect(rowsOf(pooled, [none, ...answers])).toEqual(expected);
      // The calling thread alone.
      const alone = SearchClaims.create(indexIds.length);
      expect(rowsOf(alone, [searchClaimed(reader, input(alone, 1))])).toEqual(expected);
      await reader.close();

      // A task nobody waits for (every item taken) answers before close() ends the threads.
      const late = pool.run<ClaimedSearchResult>({ kind: 'search-claimed', input: input(pooled, 4) });
      view.close();
      await pool.close();
      expect(await late).toEqual({ items: [], matches: [] });
    } finally {
      await pool.close();
      await engine.close();
    }
  });
});
