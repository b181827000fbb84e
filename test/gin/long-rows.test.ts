/**
 * Long rows in the pending list: with src/kmer's long-input path forced on short rows (longInputTestHooks), a
 * row's pending entry (sorted in place from the extractor's released keys) is byte-identical to the one the
 * one-table path gives through RowKeys, with and without excluded keys, narrow and wide; and a merge that takes
 * entries larger than a run as sources of their own writes exactly the pages of one that sorts them into runs,
 * whose answers are the brute-force ones.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DnaValue } from '../../src/dna/types.js';
import { addPendingRows, GinSearcher, mergePendingList, openIndexSearch, pendingEntries } from '../../src/gin/index.js';
import { spaceEnd, spaceStart } from '../../src/gin/directory.js';
import { sortKeyWords } from '../../src/gin/sorted-run.js';
import { keySetOf, longInputTestHooks, storedKeysOf, toSortedKeys, type KeyLayout } from '../../src/kmer/index.js';
import { buildIndex } from '../../src/parallel/index.js';
import { StorageEngine, type WriteTransaction } from '../../src/storage/index.js';
import { bruteForce, createKmerIndex, createSequenceTable, dnaText, layouts, matchesAsPairs, pack, queryFrom, seededRandom } from './helpers.js';

let engine: StorageEngine;
beforeEach(async () => {
  engine = await StorageEngine.open();
});
afterEach(async () => {
  longInputTestHooks.current = undefined;
  await engine.close();
});

/** Every row with more than 8 windows takes the long-input path, in tiny partitions and chunks. */
const tinyLongInput = { minWindows: 8, valuesPerPartition: 4, chunkWindows: 4 };

function entriesOf(write: WriteTransaction, indexId: number): { rowId: number; value: number[] }[] {
  const { rowEntriesId } = write.getIndex(indexId)!;
  return [...pendingEntries(write, rowEntriesId, 2 ** 40)].map(({ rowId, value }) => ({ rowId, value: [...value] }));
}

/** The pages (without the key filter, which depends on the budget), keyed without the storage id. */
function pagesOf(write: WriteTransaction, indexId: number): number[][] {
  const { storageId } = write.getIndex(indexId)!;
  return [...write.indexEntries(spaceStart(storageId), spaceEnd(storageId))]
    .filter(({ key }) => key.byteLength >= 12)
    .map(({ key, value }) => [...key.subarray(4), -1, ...value]);
}

/** Rows of 0–90 bases and, in some runs, long ones (over 1,024 keys: larger than the merge's smallest run). */
const rowsArbitrary = (kind: 'dna2' | 'dna4'): fc.Arbitrary<string[]> =>
  fc.array(
    fc.oneof(
      { weight: 4, arbitrary: dnaText(kind) },
      { weight: 1, arbitrary: fc.array(dnaText(kind, 40, 90), { minLength: 16, maxLength: 30 }).map((pieces) => pieces.join('')) },
    ),
    { minLength: 1, maxLength: 6 },
  );

describe('sortKeyWords', () => {
  it('sorts uint64 words as BigUint64Array.prototype.sort does, for every key width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }).chain((keyBits) =>
          fc.record({
            keyBits: fc.constant(keyBits),
            // Few distinct top digits too (skewed buckets), and duplicates.
            keys: fc.array(
              fc.oneof(
                fc.bigInt({ min: 0n, max: (1n << BigInt(keyBits)) - 1n }),
                fc.bigInt({ min: 0n, max: (1n << BigInt(Math.min(keyBits, 12))) - 1n }),
              ),
              { maxLength: 3000 },
            ),
          }),
        ),
        ({ keyBits, keys }) => {
          const words = new BigUint64Array(keys);
          sortKeyWords(new Uint32Array(words.buffer), keys.length, keyBits);
          expect([...words]).toEqual([...new BigUint64Array(keys).sort()]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('long rows in the pending list', () => {
  it('give the one-table path’s entry bytes, and merges from them give the same pages and answers', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('dna2' as const, 'dna4' as const).chain((kind) =>
          fc.record({ kind: fc.constant(kind), layout: layouts, rows: rowsArbitrary(kind), excludeSome: fc.boolean(), seed: fc.nat() }),
        ),
        async ({ kind, layout, rows, excludeSome, seed }) => {
          run++;
          const write = await engine.beginWrite();
          try {
            const table = createSequenceTable(write, kind, `sequences_${run}`);
            const values = rows.map((text) => pack(kind, text));
            const rowIds = write.insertRows(
              table.id,
              values.map((value, position) => [position, value]),
            ) as number[];
            // Two indexes of the same layout: one filled through the one-table path, one through the long-input path.
            const indexes = [0, 1].map(() => createKmerIndex(write, table, layout.kmerSize, layout.occurrenceBits));
            for (const index of indexes) {
              await buildIndex(write, index.id, { database: engine, workers: 0, memoryBudgetBytes: 1 << 20 });
            }
            const excludedKeys = excludeSome ? excludedOf(layout, values) : undefined;
            const added = values.map((value, position) => ({ rowId: rowIds[position]! + values.length, value }));
            write.insertRows(
              table.id,
              values.map((value, position) => [position, value]),
            );
            addPendingRows(write, indexes[0]!.id, added, { excludedKeys });
            longInputTestHooks.current = tinyLongInput;
            addPendingRows(write, indexes[1]!.id, added, { excludedKeys });
            longInputTestHooks.current = undefined;
            expect(entriesOf(write, indexes[1]!.id)).toEqual(entriesOf(write, indexes[0]!.id));

            // The smallest budget makes runs of 1,024 keys, so long entries are merged as sources of their own.
            const spill = { createSpillFile: (label?: string) => engine.createSpillFile(label) };
            await mergePendingList(write, indexes[0]!.id, { memoryBudgetBytes: 64 << 20, ...spill });
            await mergePendingList(write, indexes[1]!.id, { memoryBudgetBytes: 1, ...spill });
            expect(pagesOf(write, indexes[1]!.id)).toEqual(pagesOf(write, indexes[0]!.id));

            const model = new Map<number, DnaValue | null>();
            for (const [position, value] of values.entries()) {
              model.set(rowIds[position]!, value);
              model.set(added[position]!.rowId, value);
            }
            const query = queryFrom(model, layout, seededRandom(seed));
            const answer = matchesAsPairs(new GinSearcher().search(openIndexSearch(write, indexes[1]!.id), query, 1));
            // The build's rows keep all their keys; the added rows leave the excluded ones out.
            const expected = [
              ...bruteForce(new Map(rowIds.map((rowId, position) => [rowId, values[position]!])), layout, query, 1),
              ...bruteForce(new Map(added.map(({ rowId, value }) => [rowId, value])), layout, query, 1, excludedKeys),
            ].sort((a, b) => a[0] - b[0]);
            expect(answer).toEqual(expected);
          } finally {
            write.rollback();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

/** Every third key of the rows. */
function excludedOf(layout: KeyLayout, values: readonly (DnaValue | null)[]) {
  const high: number[] = [];
  const low: number[] = [];
  for (const value of values) {
    if (value === null) continue;
    const keys = storedKeysOf(layout, value);
    for (let index = 0; index < keys.count; index += 3) {
      if (keys.wide) {
        high.push(keys.high[index]!);
        low.push(keys.low[index]!);
      } else {
        high.push(Math.floor(keys.values[index]! / 2 ** 32));
        low.push(keys.values[index]! >>> 0);
      }
    }
  }
  const sorted = layout.wide
    ? toSortedKeys({ layout, wide: true, count: high.length, high: Uint32Array.from(high), low: Uint32Array.from(low) })
    : toSortedKeys({ layout, wide: false, count: high.length, values: Float64Array.from(high, (h, index) => h * 2 ** 32 + low[index]!) });
  return keySetOf(sorted);
}
