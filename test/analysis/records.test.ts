import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  analysisKeySet,
  analyzeHighFrequencyKeys,
  dropAnalyses,
  findAnalysis,
  listAnalyses,
  metaAppearanceRate,
  moveAnalyses,
  readAnalysisKeys,
  storeAnalysis,
  type AnalysisRecord,
  type HighFrequencyAnalysis,
} from '../../src/analysis/index.js';
import { queryKeysOf, type SortedKeys } from '../../src/kmer/index.js';
import { StorageEngine, type TableRecord } from '../../src/storage/index.js';
import { createSequenceTable, pack } from '../gin/helpers.js';
import { randomBases, temporaryDirectory } from '../storage/helpers.js';

let directory: ReturnType<typeof temporaryDirectory>;
let engine: StorageEngine;

beforeEach(async () => {
  directory = temporaryDirectory();
  engine = await StorageEngine.open(directory.path);
});
afterEach(async () => {
  await engine.close();
  directory.remove();
});

async function seedTable(texts: readonly (string | null)[]): Promise<TableRecord> {
  const write = await engine.beginWrite();
  const table = createSequenceTable(write, 'dna2');
  write.insertRows(table.id, texts.map((text, index) => [index, pack('dna2', text)]));
  write.commit();
  return table;
}

/** Runs the engine in the calling thread (no pool) over the committed table. */
async function analyze(table: TableRecord, kmerSize: number, rate: number): Promise<HighFrequencyAnalysis> {
  const snapshot = engine.beginRead();
  try {
    return await analyzeHighFrequencyKeys(snapshot, [{ tableId: table.id, columnIndex: 1 }], {
      databasePath: engine.path,
      kmerSize,
      occurrenceBits: 8,
      maxAppearanceRate: rate,
      maxAppearanceNrow: 0,
      workers: 0,
      memoryBudgetBytes: 1 << 20,
    });
  } finally {
    snapshot.close();
  }
}

async function store(table: TableRecord, result: HighFrequencyAnalysis, rate: number, columnName = 'seq'): Promise<AnalysisRecord> {
  const write = await engine.beginWrite();
  const record = storeAnalysis(write, {
    tableId: table.id,
    columnName,
    kmerSize: result.layout.kmerSize,
    occurrenceBits: result.layout.occurrenceBits,
    maxAppearanceRate: rate,
    maxAppearanceNrow: 0,
    result,
    timestamp: new Date(1_700_000_000_000),
  });
  write.commit();
  return record;
}

function keyList(keys: SortedKeys): number[] {
  if (keys.wide) throw new Error('narrow keys expected');
  return [...keys.values];
}

// Three rows share AAAA…, so with rate 0.5 (threshold 1 of 3 rows… trunc(3 × 0.5) = 1) the keys in ≥ 2 rows stay.
const texts = ['AAAACCCC', 'AAAAGGGG', 'AAAATTTT', null];

describe('stored analyses', () => {
  it('stores, finds, lists and reads back the keys and counts of an analysis', async () => {
    const table = await seedTable(texts);
    const result = await analyze(table, 4, 0.5);
    expect(result.totalRows).toBe(4);
    expect(result.threshold).toBe(2);
    const record = await store(table, result, 0.5);
    expect(record).toEqual({
      analysisId: record.analysisId,
      tableId: table.id,
      columnName: 'seq',
      kmerSize: 4,
      occurrenceBits: 8,
      maxAppearanceRate: 0.5,
      maxAppearanceNrow: 0,
      threshold: 2,
      totalRows: 4,
      keyCount: 1,
      analysisTimestamp: new Date(1_700_000_000_000),
    });
    const snapshot = engine.beginRead();
    expect(findAnalysis(snapshot, table.id, 'seq', 4, 8)).toEqual(record);
    expect(findAnalysis(snapshot, table.id, 'seq', 5, 8)).toBeUndefined();
    expect(findAnalysis(snapshot, table.id, 'other', 4, 8)).toBeUndefined();
    expect(listAnalyses(snapshot)).toEqual([record]);
    const stored = readAnalysisKeys(snapshot, record);
    // AAAA (occurrence 1) is in the three non-NULL rows.
    const aaaa = queryKeysOf(result.layout, 'AAAA');
    expect(keyList(stored.keys)).toEqual(keyList(aaaa));
    expect([...stored.appearanceNrows]).toEqual([3]);
    const set = analysisKeySet(snapshot, record);
    expect(set.size).toBe(1);
    expect(set.has(aaaa, 0)).toBe(true);
    expect(analysisKeySet(snapshot, record)).toBe(set);
    snapshot.close();
  });

  it('stores many keys over several chunks and wide layouts', async () => {
    const random = Array.from({ length: 40 }, (_, row) => randomBases(600, row + 1));
    const table = await seedTable(random);
    const snapshot = engine.beginRead();
    const result = await analyzeHighFrequencyKeys(snapshot, [{ tableId: table.id, columnIndex: 1 }], {
      databasePath: engine.path,
      kmerSize: 28,
      occurrenceBits: 8,
      maxAppearanceRate: 0,
      maxAppearanceNrow: 0,
      workers: 0,
      memoryBudgetBytes: 1 << 24,
    });
    snapshot.close();
    expect(result.keys.wide).toBe(true);
    expect(result.keys.count).toBeGreaterThan(8192);
    const record = await store(table, result, 0);
    const reader = engine.beginRead();
    const stored = readAnalysisKeys(reader, record);
    reader.close();
    expect(stored.keys).toEqual(result.keys);
    expect([...stored.appearanceNrows]).toEqual([...result.appearanceNrows]);
  });

  it('replaces the analysis of the same (table, column, k, b) with a fresh id and keeps other k', async () => {
    const table = await seedTable(texts);
    const first = await store(table, await analyze(table, 4, 0.5), 0.5);
    const otherK = await store(table, await analyze(table, 5, 0.5), 0.5);
    const second = await store(table, await analyze(table, 4, 0), 0);
    expect(second.analysisId).toBeGreaterThan(otherK.analysisId);
    expect(otherK.analysisId).toBeGreaterThan(first.analysisId);
    const snapshot = engine.beginRead();
    expect(listAnalyses(snapshot).map((record) => [record.kmerSize, record.analysisId])).toEqual([
      [4, second.analysisId],
      [5, otherK.analysisId],
    ]);
    expect(readAnalysisKeys(snapshot, second).keys.count).toBe(second.keyCount);
    snapshot.close();
    // The replaced analysis's keys are gone from disk: the two remaining analyses own everything in `gin`.
    const chunks = Math.ceil(second.keyCount / 8192) + Math.ceil(otherK.keyCount / 8192);
    expect(engine.spaceUsage().gin.entries).toBe(chunks);
  });

  it('leaves the earlier analysis when the replacing transaction rolls back', async () => {
    const table = await seedTable(texts);
    const first = await store(table, await analyze(table, 4, 0.5), 0.5);
    const write = await engine.beginWrite();
    storeAnalysis(write, {
      tableId: table.id,
      columnName: 'seq',
      kmerSize: 4,
      occurrenceBits: 8,
      maxAppearanceRate: 0,
      maxAppearanceNrow: 0,
      result: await analyze(table, 4, 0),
      timestamp: new Date(),
    });
    expect(findAnalysis(write, table.id, 'seq', 4, 8)?.analysisId).toBeGreaterThan(first.analysisId);
    write.rollback();
    const snapshot = engine.beginRead();
    expect(listAnalyses(snapshot)).toEqual([first]);
    expect([...readAnalysisKeys(snapshot, first).appearanceNrows]).toEqual([3]);
    snapshot.close();
    expect(engine.spaceUsage().gin.entries).toBe(1);
  });

  it('is there after reopening the database, and the crash sweep keeps its keys', async () => {
    const table = await seedTable(texts);
    const record = await store(table, await analyze(table, 4, 0.5), 0.5);
    await engine.close();
    engine = await StorageEngine.open(directory.path);
    await engine.reclaimSpace();
    const snapshot = engine.beginRead();
    expect(listAnalyses(snapshot)).toEqual([record]);
    expect([...readAnalysisKeys(snapshot, record).appearanceNrows]).toEqual([3]);
    snapshot.close();
  });

  it('drops every analysis of (table, column) and moves analyses to another table', async () => {
    const table = await seedTable(texts);
    const k4 = await store(table, await analyze(table, 4, 0), 0);
    const k5 = await store(table, await analyze(table, 5, 0), 0);
    const otherColumn = await store(table, await analyze(table, 4, 0), 0, 'other');

    const move = await engine.beginWrite();
    expect(moveAnalyses(move, table.id, 99_999)).toBe(3);
    move.commit();
    let snapshot = engine.beginRead();
    expect(listAnalyses(snapshot).map((record) => [record.tableId, record.columnName, record.analysisId])).toEqual([
      [99_999, 'other', otherColumn.analysisId],
      [99_999, 'seq', k4.analysisId],
      [99_999, 'seq', k5.analysisId],
    ]);
    expect(readAnalysisKeys(snapshot, { ...k4, tableId: 99_999 }).keys.count).toBe(k4.keyCount);
    snapshot.close();

    const drop = await engine.beginWrite();
    expect(dropAnalyses(drop, 99_999, 'seq')).toEqual({ droppedAnalyses: 2, droppedKeys: k4.keyCount + k5.keyCount });
    expect(dropAnalyses(drop, 99_999, 'missing')).toEqual({ droppedAnalyses: 0, droppedKeys: 0 });
    drop.commit();
    snapshot = engine.beginRead();
    expect(listAnalyses(snapshot).map((record) => record.columnName)).toEqual(['other']);
    snapshot.close();
    expect(engine.spaceUsage().gin.entries).toBe(Math.ceil(otherColumn.keyCount / 8192));
  });

  it('stores the rate as the reference meta table does: %f then real', () => {
    expect(metaAppearanceRate(0.1234567)).toBe(Math.fround(0.123457));
    expect(metaAppearanceRate(0.05)).toBe(Math.fround(0.05));
    expect(metaAppearanceRate(0.0000004)).toBe(0);
    // 2^-7 = 0.0078125 exactly: glibc rounds the tie to even (0.007812), not up.
    expect(metaAppearanceRate(0.0078125)).toBe(Math.fround(0.007812));
    expect(metaAppearanceRate(1)).toBe(1);
  });
});
