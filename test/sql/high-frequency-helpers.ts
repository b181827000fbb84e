/**
 * Helpers of the high-frequency exclusion tests: analyses made through SQL and their stored records, a model of
 * SPEC §4's `=%` with exclusion, and a look into an index's keys.
 */
import { findAnalysis, readAnalysisKeys, type AnalysisRecord } from '../../src/analysis/index.js';
import { GinSearcher, openIndexSearch } from '../../src/gin/index.js';
import { keyLayout, queryKeysOf, toSortedKeys, type SortedKeys } from '../../src/kmer/index.js';
import type { KmerSearch } from '../../src/index.js';
import type { StorageEngine, StorageView, TableRecord } from '../../src/storage/index.js';

/** The handle's storage engine (tests only: the handle must be idle, outside a transaction block). */
function storageOf(db: KmerSearch): StorageEngine {
  return (db as unknown as { storage: StorageEngine }).storage;
}

async function show(db: KmerSearch, name: string): Promise<string> {
  return (await db.queryText(`SHOW ${name}`)).rows[0]?.[0] ?? '';
}

function tableOf(view: StorageView, tableName: string): TableRecord {
  const entry = view.findRelation(tableName);
  const table = entry?.kind === 'table' ? view.getTable(entry.id) : undefined;
  if (table === undefined) throw new Error(`no table ${tableName}`);
  return table;
}

/**
 * `kmersearch_perform_highfreq_analysis(table, column)` under the handle's current settings (F6: it replaces an
 * earlier run of the same k and b), and the stored record it made.
 */
export async function performAnalysis(db: KmerSearch, tableName: string, columnName: string): Promise<AnalysisRecord> {
  await db.query(`SELECT kmersearch_perform_highfreq_analysis('${tableName}', '${columnName}')`);
  const kmerSize = Number(await show(db, 'kmersearch.kmer_size'));
  const occurrenceBits = Number(await show(db, 'kmersearch.occur_bitlen'));
  const snapshot = storageOf(db).beginRead();
  try {
    const record = findAnalysis(snapshot, tableOf(snapshot, tableName).id, columnName, kmerSize, occurrenceBits);
    if (record === undefined) throw new Error('the analysis was not stored');
    return record;
  } finally {
    snapshot.close();
  }
}

/** `kmersearch_undo_highfreq_analysis(table, column)`: every analysis of the column goes. */
export async function undoAnalyses(db: KmerSearch, tableName: string, columnName: string): Promise<void> {
  await db.query(`SELECT kmersearch_undo_highfreq_analysis('${tableName}', '${columnName}')`);
}

/** The stored high-frequency keys of an analysis, as numbers (narrow layouts). */
export function analysisKeys(db: KmerSearch, record: AnalysisRecord): number[] {
  const snapshot = storageOf(db).beginRead();
  try {
    const keys = readAnalysisKeys(snapshot, record).keys;
    if (keys.wide) throw new Error('narrow keys expected');
    return [...keys.values];
  } finally {
    snapshot.close();
  }
}

/** The distinct keys of a text under (k, b), as numbers (narrow layouts; none for a text shorter than k). */
export function keysOfText(text: string, kmerSize: number, occurrenceBits: number): number[] {
  if (text.length < kmerSize) return [];
  const keys = queryKeysOf(keyLayout(kmerSize, occurrenceBits), text);
  if (keys.wide) throw new Error('narrow keys expected');
  return [...keys.values];
}

/** The keys (among `candidates`) that have a posting list in the index `indexName`, as its pages and pending list hold them. */
export function keysInIndex(db: KmerSearch, indexName: string, candidates: readonly number[], kmerSize: number, occurrenceBits: number): number[] {
  const snapshot = storageOf(db).beginRead();
  try {
    const entry = snapshot.findRelation(indexName);
    const index = entry?.kind === 'index' ? snapshot.getIndex(entry.id) : undefined;
    if (index === undefined) throw new Error(`no index ${indexName}`);
    const source = openIndexSearch(snapshot, index);
    const searcher = new GinSearcher();
    const layout = keyLayout(kmerSize, occurrenceBits);
    return candidates.filter((key) => {
      const single: SortedKeys = toSortedKeys({ layout, wide: false, count: 1, values: Float64Array.of(key) });
      return searcher.search(source, single, 1).count > 0;
    });
  } finally {
    snapshot.close();
  }
}

/** SPEC §4's `=%` with exclusion by the set `highFrequency` (undefined: no exclusion), on key arrays. */
export function modelMatches(
  stored: readonly number[],
  query: readonly number[],
  highFrequency: ReadonlySet<number> | undefined,
  minScore: number,
  rate: number,
): boolean {
  if (query.length === 0) return false;
  const storedSet = new Set(stored);
  const base = Math.max(minScore, Math.ceil(rate * query.length));
  if (highFrequency === undefined) return query.filter((key) => storedSet.has(key)).length >= base;
  const searched = query.filter((key) => !highFrequency.has(key));
  const excluded = query.length - searched.length;
  return searched.filter((key) => storedSet.has(key)).length >= Math.max(1, base - excluded);
}
