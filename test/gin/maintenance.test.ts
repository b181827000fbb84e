import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DnaValue } from '../../src/dna/types.js';
import {
  GinSearcher,
  addPendingRows,
  clearIndex,
  ginIndexOptions,
  mergePendingList,
  newGinIndexOptions,
  openIndexSearch,
  pageDirectory,
} from '../../src/gin/index.js';
import { keyLayout, queryKeysOf } from '../../src/kmer/index.js';
import { buildIndex } from '../../src/parallel/index.js';
import { StorageEngine } from '../../src/storage/index.js';
import { bruteForce, createKmerIndex, createSequenceTable, matchesAsPairs, packDna2, spillFiles } from './helpers.js';

let engine: StorageEngine;
beforeEach(async () => {
  engine = await StorageEngine.open();
});
afterEach(async () => {
  await engine.close();
});

const layout = keyLayout(6, 2);
const texts = ['ACGTACGTTGCAACGT', 'TTTTTTTTTTGGGCCA', 'ACGTACGTACGTACGT', 'GGCCAAGGCCAATT'];

describe('index maintenance', () => {
  it('keeps the settings recorded at creation and counts what the build wrote', async () => {
    const write = await engine.beginWrite();
    const table = createSequenceTable(write, 'dna2');
    write.insertRows(table.id, [...texts.map((text, index) => [index, packDna2(text)]), [9, null], [10, packDna2('ACG')]]);
    const index = createKmerIndex(write, table, 6, 2);
    const report = await buildIndex(write, index.id, { database: engine, workers: 0, memoryBudgetBytes: 1 << 20 });
    write.commit();
    const options = ginIndexOptions(engine.beginRead().getIndex(index.id)!);
    expect(options).toMatchObject({ kmerSize: 6, occurrenceBits: 2, settings: { note: 'settings at creation' }, pendingRows: 0 });
    // NULL is skipped; the 3-base row has no keys (deviation F3) but was read.
    expect(report.rows).toBe(5);
    expect(options.statistics.postings).toBe(report.pairs);
    expect(options.statistics).toEqual(report.statistics);
    expect(report.statistics.pages).toBe(1);
  });

  it('empties an index on TRUNCATE (clear) and indexes the new rows', async () => {
    const write = await engine.beginWrite();
    const table = createSequenceTable(write, 'dna2');
    write.insertRows(table.id, texts.map((text, index) => [index, packDna2(text)]));
    const index = createKmerIndex(write, table, 6, 2);
    await buildIndex(write, index.id, { database: engine, workers: 0, memoryBudgetBytes: 1 << 20 });
    write.commit();
    const truncate = await engine.beginWrite();
    truncate.truncateTable(table.id);
    const cleared = clearIndex(truncate, index.id);
    expect(ginIndexOptions(cleared).statistics.keys).toBe(0);
    const [rowId] = truncate.insertRows(table.id, [[7, packDna2(texts[1]!)]]) as [number];
    expect(rowId).toBe(0);
    addPendingRows(truncate, index.id, [{ rowId, value: packDna2(texts[1]!) }]);
    truncate.commit();
    const snapshot = engine.beginRead();
    const query = queryKeysOf(layout, texts[1]!);
    const model = new Map<number, DnaValue | null>([[0, packDna2(texts[1]!)]]);
    expect(matchesAsPairs(new GinSearcher().search(openIndexSearch(snapshot, index.id), query, 1))).toEqual(
      bruteForce(model, layout, query, 1),
    );
    snapshot.close();
    // The old pages are gone: only the pending entry is left.
    expect(engine.spaceUsage().gin.entries).toBe(1);
    const merge = await engine.beginWrite();
    await mergePendingList(merge, index.id, { memoryBudgetBytes: 1 << 20, createSpillFile: (label) => engine.createSpillFile(label) });
    merge.commit();
    // One page and the key filter.
    expect(engine.spaceUsage().gin.entries).toBe(2);
    expect(spillFiles(engine)).toEqual([]);
  });

  it('rejects what an index cannot answer', async () => {
    const write = await engine.beginWrite();
    const table = createSequenceTable(write, 'dna2');
    const index = createKmerIndex(write, table, 6, 2);
    const other = write.createIndex({ tableId: table.id, columnName: 'id', operatorClass: 'int4_ops' });
    expect(() => ginIndexOptions(other)).toThrow(`index "${other.name}" is not a kmersearch index`);
    expect(() => newGinIndexOptions(33, 0)).toThrow('Invalid k-mer size: 33');
    const source = openIndexSearch(write, index.id);
    const searcher = new GinSearcher();
    expect(() => searcher.search(source, queryKeysOf(layout, 'ACGTACGT'), 0)).toThrow('an index search needs a threshold of at least 1 shared key');
    expect(() => searcher.search(source, queryKeysOf(keyLayout(7, 2), 'ACGTACGT'), 1)).toThrow('query keys do not have the layout of the index');
    expect(searcher.search(source, queryKeysOf(layout, 'NNNNNNNN'), 1).count).toBe(0);
    await expect(buildIndex(write, other.id, { database: engine, workers: 0, memoryBudgetBytes: 1 << 20 })).rejects.toThrow(
      'is not a kmersearch index',
    );
    write.rollback();
  });
});

describe('long posting lists', () => {
  it('finds keys whose lists span several pages, with the key filter on', async () => {
    const write = await engine.beginWrite();
    const table = createSequenceTable(write, 'dna2');
    const rows = Array.from({ length: 15000 }, (_, index) => [index, packDna2(index % 5 !== 0 ? 'AAAAAAAA' : texts[index % 4]!)]);
    const rowIds = write.insertRows(table.id, rows);
    const index = createKmerIndex(write, table, 6, 2);
    const report = await buildIndex(write, index.id, { database: engine, workers: 0, memoryBudgetBytes: 64 << 20 });
    expect(report.statistics.pages).toBeGreaterThan(3);
    write.commit();
    const snapshot = engine.beginRead();
    const model = new Map<number, DnaValue | null>(rowIds.map((rowId, position) => [rowId, rows[position]![1] as DnaValue]));
    const source = openIndexSearch(snapshot, index.id);
    // 12,000 rows share AAAAAA#0..#2: their lists are continued on chunk pages.
    expect([...pageDirectory(snapshot, source.storageId).chunk].some((chunk) => chunk > 0)).toBe(true);
    for (const text of ['AAAAAAA', texts[0]!, texts[2]!, 'CCCCCCCCC']) {
      const query = queryKeysOf(layout, text);
      expect(matchesAsPairs(new GinSearcher().search(source, query, 1))).toEqual(bruteForce(model, layout, query, 1));
    }
    snapshot.close();
  });
});

describe('a search in steps', () => {
  it('yields between steps, and an abandoned search does not disturb the next one', async () => {
    const write = await engine.beginWrite();
    const table = createSequenceTable(write, 'dna2');
    const sequences = Array.from({ length: 600 }, (_, index) => randomSequence(200, index + 1));
    const rows = sequences.map((text, index) => [index, packDna2(text)]);
    const rowIds = write.insertRows(table.id, rows);
    const index = createKmerIndex(write, table, 6, 2);
    await buildIndex(write, index.id, { database: engine, workers: 0, memoryBudgetBytes: 64 << 20 });
    write.commit();
    const snapshot = engine.beginRead();
    const model = new Map<number, DnaValue | null>(rowIds.map((rowId, position) => [rowId, rows[position]![1] as DnaValue]));
    const source = openIndexSearch(snapshot, index.id);
    // A query with more distinct keys than one step (4,096) takes several steps.
    const query = queryKeysOf(layout, sequences.slice(0, 60).join(''));
    expect(query.count).toBeGreaterThan(4096);
    const searcher = new GinSearcher();
    const abandoned = searcher.searchInSteps(source, query, 1);
    expect(abandoned.next().done).toBe(false);
    // Dropped without return(), as a cancelled statement whose generator is never resumed.
    let steps = 0;
    const resumed = searcher.searchInSteps(source, query, 3);
    let step = resumed.next();
    for (; step.done !== true; step = resumed.next()) steps++;
    expect(steps).toBeGreaterThan(1);
    expect(matchesAsPairs(step.value)).toEqual(bruteForce(model, layout, query, 3));
    expect(matchesAsPairs(searcher.search(source, query, 1))).toEqual(bruteForce(model, layout, query, 1));
    snapshot.close();
  });
});

function randomSequence(length: number, seed: number): string {
  let state = seed;
  let text = '';
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    text += 'ACGT'[(state >>> 16) & 3];
  }
  return text;
}
