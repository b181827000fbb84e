/**
 * Index build and search on the real-genome workload (DESIGN §8, bench/workload/README.md), next to a naive
 * in-memory baseline (a Map from key to row list) in the same process, so every figure is also a ratio.
 *
 *   bash bench/workload/fetch-genomes.sh && npx tsx bench/workload/make-workload.ts --size 20M
 *   npx tsx bench/index-build.bench.ts [--size 1M|20M|100M] [--memory 64MB] [--workers 1,2] [--skip-naive]
 *
 * Steps: load bench/out/<size>/refs.fa into a storage table (DNA2) through a WriteTransaction; build the index
 * (k = 16, b = 8) with 1 and 2 workers, `maintenance_work_mem` = --memory (default 64MB, PostgreSQL's and the
 * engine's default), timing the build and sampling RSS; report the index's LMDB pages per k-mer; search the
 * workload's 10,000 reads (DNA4 text with IUPAC codes) with ams from min_shared_kmer_rate = 0.1, top 10, on the
 * calling thread and on 1 and 2 worker threads; score lenient recall@1 against truth.tsv. Then the same for the
 * naive Map.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { parseDnaText } from '../src/dna/index.js';
import { newGinIndexOptions } from '../src/gin/index.js';
import { actualMinScore, KeyExtractor, keyLayout, queryKeysOf, type KeyList } from '../src/kmer/index.js';
import { buildIndex, describeIndexSearch, searchQueries, WorkerPool, type SearchBatchResult } from '../src/parallel/index.js';
import { ColumnTypes, StorageEngine } from '../src/storage/index.js';
import { parseFasta } from './workload/workload.js';

const KMER_SIZE = 16;
const OCCURRENCE_BITS = 8;
const MIN_SHARED_KMER_RATE = 0.1;
const MIN_SCORE = 1;
const TOP = 10;

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '20M' },
    memory: { type: 'string', default: '64MB' },
    workers: { type: 'string', default: '1,2' },
    'skip-naive': { type: 'boolean', default: false },
  },
});

function parseBytes(text: string): number {
  const match = /^(\d+)\s*(kB|MB|GB)?$/i.exec(text);
  if (match === null) throw new Error(`bad --memory ${text}`);
  const unit = (match[2] ?? '').toUpperCase();
  return Number(match[1]) * (unit === 'KB' ? 1024 : unit === 'MB' ? 1024 ** 2 : unit === 'GB' ? 1024 ** 3 : 1);
}

const directory = new URL(`./out/${args.size}/`, import.meta.url).pathname;
if (!existsSync(`${directory}refs.fa`)) {
  console.error(`missing ${directory}refs.fa — run: bash bench/workload/fetch-genomes.sh && npx tsx bench/workload/make-workload.ts --size ${args.size}`);
  process.exit(1);
}
const memoryBudgetBytes = parseBytes(args.memory);
const workerCounts = args.workers.split(',').map(Number);
const layout = keyLayout(KMER_SIZE, OCCURRENCE_BITS);
const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

// ---------------------------------------------------------------- RSS sampling

let peakRss = 0;
function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}
const sampler = setInterval(sampleRss, 5);
function resetPeak(): void {
  peakRss = process.memoryUsage.rss();
}

// ---------------------------------------------------------------- workload

const refs = parseFasta(readFileSync(`${directory}refs.fa`, 'latin1'));
const queries = parseFasta(readFileSync(`${directory}queries.fa`, 'latin1'));
const truth = new Map<string, string>();
for (const line of readFileSync(`${directory}truth.tsv`, 'utf8').split('\n').slice(1)) {
  const [query, ref] = line.split('\t');
  if (query !== undefined && ref !== undefined) truth.set(query, ref);
}
const refBases = refs.reduce((sum, record) => sum + record.seq.length, 0);
const queryTexts = queries.map((record) => record.seq);
console.log(
  `workload ${args.size}: ${refs.length} refs, ${refBases} bases; ${queries.length} queries; node ${process.version}; ` +
    `${availableParallelism()} cpus (${cpus()[0]?.model ?? '?'}); maintenance_work_mem ${mib(memoryBudgetBytes)}`,
);

// ---------------------------------------------------------------- load

const engine = await StorageEngine.open();
let loadSeconds: number;
let tableId: number;
let rowNames: string[] = [];
{
  const started = performance.now();
  const write = await engine.beginWrite();
  const table = write.createTable({
    name: 'refs',
    columns: [
      { name: 'name', type: ColumnTypes.text },
      { name: 'seq', type: ColumnTypes.dna2 },
    ],
  });
  tableId = table.id;
  const rowIds = write.insertRows(
    table.id,
    refs.map((record) => [record.id, parseDnaText('dna2', record.seq)]),
  );
  write.commit();
  loadSeconds = (performance.now() - started) / 1000;
  rowNames = [];
  rowIds.forEach((rowId, index) => (rowNames[rowId] = refs[index]!.id));
}
console.log(`load: ${loadSeconds.toFixed(2)} s (${(refBases / loadSeconds / 1e6).toFixed(1)} M bases/s)`);

// ---------------------------------------------------------------- build

interface BuildRow {
  readonly workers: number;
  readonly seconds: number;
  readonly peakRss: number;
  readonly keys: number;
  readonly pairs: number;
  readonly pageBytes: number;
  readonly diskBytes: number;
  readonly runs: number;
  readonly spilledRuns: number;
  readonly spilledBytes: number;
  readonly extractionSeconds: number;
  readonly mergeSeconds: number;
}

const pool = new WorkerPool({ maxThreads: Math.max(...workerCounts, 1) });
// Start the worker threads (and compile the worker code) before timing: a database handle keeps its pool.
{
  const warm = await engine.beginWrite();
  const index = warm.createIndex({
    tableId,
    columnName: 'seq',
    operatorClass: 'kmersearch_dna2_gin_ops_int8',
    options: newGinIndexOptions(KMER_SIZE, OCCURRENCE_BITS) as unknown as Record<string, unknown>,
  });
  await buildIndex(warm, index.id, { database: engine, pool, workers: Math.max(...workerCounts), memoryBudgetBytes });
  warm.rollback();
}
const builds: BuildRow[] = [];
let indexId = 0;
for (const workers of workerCounts) {
  // A fresh index for each run; the previous one is dropped (its pages freed) first.
  if (indexId !== 0) {
    const drop = await engine.beginWrite();
    drop.dropIndex(indexId);
    drop.commit();
  }
  globalThis.gc?.();
  resetPeak();
  const started = performance.now();
  const write = await engine.beginWrite();
  const index = write.createIndex({
    tableId,
    columnName: 'seq',
    operatorClass: 'kmersearch_dna2_gin_ops_int8',
    options: newGinIndexOptions(KMER_SIZE, OCCURRENCE_BITS) as unknown as Record<string, unknown>,
  });
  const report = await buildIndex(write, index.id, { database: engine, pool, workers, memoryBudgetBytes });
  write.commit();
  const seconds = (performance.now() - started) / 1000;
  sampleRss();
  indexId = index.id;
  builds.push({
    workers: report.workersUsed,
    seconds,
    peakRss,
    keys: report.statistics.keys,
    pairs: report.pairs,
    pageBytes: report.statistics.pageBytes,
    diskBytes: engine.spaceUsage().gin.bytes,
    runs: report.runs,
    spilledRuns: report.spilledRuns,
    spilledBytes: report.spilledBytes,
    extractionSeconds: report.extractionMs / 1000,
    mergeSeconds: report.mergeMs / 1000,
  });
  console.log(
    `build, ${report.workersUsed} worker(s): ${seconds.toFixed(2)} s, peak RSS ${mib(peakRss)}, ${report.pairs} k-mers, ` +
      `${report.statistics.keys} keys, ${report.statistics.pages} pages, ${(engine.spaceUsage().gin.bytes / report.pairs).toFixed(2)} B/k-mer on disk, ` +
      `runs ${report.runs} (${report.spilledRuns} spilled, ${mib(report.spilledBytes)}), ` +
      `extraction ${(report.extractionMs / 1000).toFixed(2)} s, merge and write ${(report.mergeMs / 1000).toFixed(2)} s`,
  );
}

// ---------------------------------------------------------------- search

interface SearchRow {
  readonly label: string;
  readonly seconds: number;
  readonly recall: number;
  readonly decoysWithHits: number;
}

/** Lenient recall@1: the true ref among the hits with the best score (decoys excluded). */
function score(result: SearchBatchResult, nameOf: (rowId: number) => string): { recall: number; decoysWithHits: number } {
  let hits = 0;
  let scored = 0;
  let decoysWithHits = 0;
  queries.forEach((query, index) => {
    const expected = truth.get(query.id);
    const from = result.offsets[index]!;
    const to = result.offsets[index + 1]!;
    if (expected === undefined || expected === '-') {
      if (to > from) decoysWithHits++;
      return;
    }
    scored++;
    const best = to > from ? result.shared[from]! : 0;
    for (let at = from; at < to && result.shared[at] === best; at++) {
      if (nameOf(result.rowIds[at]!) === expected) {
        hits++;
        break;
      }
    }
  });
  return { recall: hits / scored, decoysWithHits };
}

const searches: SearchRow[] = [];
const snapshot = engine.beginRead();
const descriptor = describeIndexSearch(snapshot, indexId);
snapshot.close();
const thresholds = { minScore: MIN_SCORE, minSharedKmerRate: MIN_SHARED_KMER_RATE };
const searchModes: { workers: number; pageCacheBytes: number }[] = [
  ...[0, ...workerCounts].map((workers) => ({ workers, pageCacheBytes: 0 })),
  // gin's opt-in page cache, large enough for the whole index.
  { workers: Math.max(...workerCounts), pageCacheBytes: 2 ** Math.ceil(Math.log2(engine.spaceUsage().gin.bytes * 1.1)) },
];
for (const { workers, pageCacheBytes } of searchModes) {
  const input = { databasePath: engine.path, index: descriptor, queries: queryTexts, thresholds, limit: TOP, pageCacheBytes };
  // Warm-up (JIT, page cache, worker start), then the measured run.
  await searchQueries(workers === 0 ? null : pool, workers, { ...input, queries: queryTexts.slice(0, 1000) });
  const started = performance.now();
  const result = await searchQueries(workers === 0 ? null : pool, workers, input, { batchSize: 250 });
  const seconds = (performance.now() - started) / 1000;
  const { recall, decoysWithHits } = score(result, (rowId) => rowNames[rowId] ?? '');
  const label =
    (workers === 0 ? 'gin search, calling thread' : `gin search, ${workers} worker(s)`) +
    (pageCacheBytes > 0 ? `, page cache ${mib(pageCacheBytes)} per thread` : '');
  searches.push({ label, seconds, recall, decoysWithHits });
  console.log(`${label}: ${(queries.length / seconds).toFixed(0)} q/s, recall@1 ${recall.toFixed(4)}, decoys with hits ${decoysWithHits}`);
}
await pool.close();

// ---------------------------------------------------------------- naive baseline

let naiveBuild: { seconds: number; peakRss: number } | undefined;
if (!args['skip-naive']) {
  globalThis.gc?.();
  resetPeak();
  const started = performance.now();
  const extractor = new KeyExtractor();
  const map = new Map<number, number[]>();
  refs.forEach((record, row) => {
    const keys = extractor.extractStored(layout, parseDnaText('dna2', record.seq)) as KeyList & { wide: false };
    for (let index = 0; index < keys.count; index++) {
      const key = keys.values[index]!;
      const list = map.get(key);
      if (list === undefined) map.set(key, [row]);
      else list.push(row);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  sampleRss();
  naiveBuild = { seconds, peakRss };
  console.log(`naive Map build: ${seconds.toFixed(2)} s, peak RSS ${mib(peakRss)}, ${map.size} keys`);

  const counts = new Uint32Array(refs.length);
  const runSearch = (texts: readonly string[]): SearchBatchResult => {
    const offsets = new Uint32Array(texts.length + 1);
    const rowIds: number[] = [];
    const shared: number[] = [];
    const touched: number[] = [];
    texts.forEach((text, query) => {
      const keys = queryKeysOf(layout, text, extractor);
      if (keys.wide) throw new Error('narrow layout expected');
      const ams = actualMinScore(thresholds, keys.count);
      touched.length = 0;
      for (let index = 0; index < keys.count; index++) {
        const list = map.get(keys.values[index]!);
        if (list === undefined) continue;
        for (const row of list) {
          if (counts[row] === 0) touched.push(row);
          counts[row]!++;
        }
      }
      const hits = touched.filter((row) => counts[row]! >= ams);
      hits.sort((a, b) => counts[b]! - counts[a]! || a - b);
      for (const row of hits.slice(0, TOP)) {
        rowIds.push(row);
        shared.push(counts[row]!);
      }
      for (const row of touched) counts[row] = 0;
      offsets[query + 1] = rowIds.length;
    });
    return { offsets, rowIds: Uint32Array.from(rowIds), shared: Uint32Array.from(shared) };
  };
  runSearch(queryTexts.slice(0, 1000));
  const searchStarted = performance.now();
  const result = runSearch(queryTexts);
  const searchSeconds = (performance.now() - searchStarted) / 1000;
  const { recall, decoysWithHits } = score(result, (row) => refs[row]?.id ?? '');
  searches.push({ label: 'naive Map, calling thread', seconds: searchSeconds, recall, decoysWithHits });
  console.log(`naive Map search: ${(queries.length / searchSeconds).toFixed(0)} q/s, recall@1 ${recall.toFixed(4)}, decoys with hits ${decoysWithHits}`);
  map.clear();
}
clearInterval(sampler);
await engine.close();

// ---------------------------------------------------------------- report

console.log('\n| build | s (extraction + merge) | × naive | peak RSS | × naive | B per k-mer on disk | page bytes per k-mer | runs (spilled) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const build of builds) {
  const timeRatio = naiveBuild === undefined ? '–' : (build.seconds / naiveBuild.seconds).toFixed(2);
  const memoryRatio = naiveBuild === undefined ? '–' : (build.peakRss / naiveBuild.peakRss).toFixed(2);
  console.log(
    `| gin, ${build.workers} worker(s) | ${build.seconds.toFixed(2)} (${build.extractionSeconds.toFixed(2)} + ${build.mergeSeconds.toFixed(2)}) | ${timeRatio} | ${mib(build.peakRss)} | ${memoryRatio} | ` +
      `${(build.diskBytes / build.pairs).toFixed(2)} | ${(build.pageBytes / build.pairs).toFixed(2)} | ${build.runs} (${build.spilledRuns}) |`,
  );
}
if (naiveBuild !== undefined) {
  console.log(`| naive Map | ${naiveBuild.seconds.toFixed(2)} | 1.00 | ${mib(naiveBuild.peakRss)} | 1.00 | – | – | – |`);
}
const naiveSearch = searches.find((row) => row.label.startsWith('naive'));
console.log('\n| search | q/s | × naive | lenient recall@1 | decoys with hits |');
console.log('|---|---|---|---|---|');
for (const row of searches) {
  const rate = queries.length / row.seconds;
  const ratio = naiveSearch === undefined ? '–' : (rate / (queries.length / naiveSearch.seconds)).toFixed(2);
  console.log(`| ${row.label} | ${rate.toFixed(0)} | ${ratio} | ${row.recall.toFixed(4)} | ${row.decoysWithHits} |`);
}
