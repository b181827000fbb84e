/**
 * SQL search through the index (issue 5; DESIGN §8 "index build" and "search"), on the real-genome workload
 * (bench/workload/README.md), entirely through the public library API:
 *
 *   1. `COPY refs (name, seq) FROM 'refs.fa' WITH (FORMAT fasta)` into `refs (name text, seq dna2)`;
 *   2. `CREATE INDEX … USING gin (seq kmersearch_dna2_gin_ops_int8)` with k = 16, b = 8 and
 *      max_parallel_maintenance_workers = 1 and 2: build time, peak RSS, index bytes on disk (LMDB pages of the
 *      `gin` sub-database) per k-mer (posting);
 *   3. the workload's 10,000 reads of 100–300 bp as
 *      `SELECT name, kmersearch_matchscore(seq, $1) FROM refs WHERE seq =% $1 ORDER BY 2 DESC LIMIT 10`
 *      with min_shared_kmer_rate = 0.1: queries per second from one handle (a loop of `db.query`), and from two
 *      handles in two processes at once (a handle runs one statement at a time on its thread, so two cores need
 *      two handles; LMDB readers do not block each other); lenient recall@1 against truth.tsv (the true reference
 *      among the rows with the best score; decoys not scored);
 *      both with the default OpenOptions.indexCacheSize (128 MiB per handle: the index's pages fit) and with 0;
 *   4. beside it, in the same process: the engine's index search without SQL (src/parallel's searchQueries in the
 *      calling thread: what the SQL layer adds is the difference), and the naive in-memory Map (bench/naive-map.ts).
 *
 *   bash bench/workload/fetch-genomes.sh && npx tsx bench/workload/make-workload.ts --size 20M   (done when missing)
 *   npx tsx bench/sql-search.bench.ts [--size 20M] [--queries N] [--skip-naive]
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ginIndexOptions } from '../src/gin/index.js';
import { KmerSearch } from '../src/index.js';
import { keyLayout } from '../src/kmer/index.js';
import { describeIndexSearch, searchQueries } from '../src/parallel/index.js';
import { scanTable, StorageEngine } from '../src/storage/index.js';
import { NaiveMapIndex } from './naive-map.js';
import type { ClientReply, ClientRequest } from './sql-search-client.js';
import { parseFasta } from './workload/workload.js';

const KMER_SIZE = 16;
const OCCURRENCE_BITS = 8;
const MIN_SHARED_KMER_RATE = 0.1;
const TOP = 10;
const WARMUP_QUERIES = 500;
/** The default OpenOptions.indexCacheSize: holds every page of the 20 Mbp index (one 8 KiB slot each). */
const INDEX_CACHE_SIZE = 128 * 1024 * 1024;
const SEARCH_SQL = 'SELECT name, kmersearch_matchscore(seq, $1) AS score FROM refs WHERE seq =% $1 ORDER BY 2 DESC LIMIT 10';
const SESSION_SETUP = `SET kmersearch.kmer_size = ${KMER_SIZE}; SET kmersearch.occur_bitlen = ${OCCURRENCE_BITS}; SET kmersearch.min_shared_kmer_rate = ${MIN_SHARED_KMER_RATE}`;

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '20M' },
    queries: { type: 'string' },
    'skip-naive': { type: 'boolean', default: false },
  },
});

const benchDirectory = dirname(fileURLToPath(import.meta.url));
const repository = resolve(benchDirectory, '..');
const workload = join(benchDirectory, 'out', args.size);
if (!existsSync(join(workload, 'refs.fa'))) {
  console.log(`${workload}/refs.fa is missing: fetching the genomes and generating the ${args.size} workload`);
  execFileSync('bash', [join(benchDirectory, 'workload', 'fetch-genomes.sh')], { stdio: 'inherit', cwd: repository });
  execFileSync(process.execPath, ['--import', 'tsx', join(benchDirectory, 'workload', 'make-workload.ts'), '--size', args.size], {
    stdio: 'inherit',
    cwd: repository,
  });
}

const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

// ---------------------------------------------------------------- memory

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
function resetPeak(): void {
  globalThis.gc?.();
  peakRss = process.memoryUsage.rss();
}

// ---------------------------------------------------------------- workload

const refs = parseFasta(readFileSync(join(workload, 'refs.fa'), 'latin1'));
const allQueries = parseFasta(readFileSync(join(workload, 'queries.fa'), 'latin1'));
const queries = args.queries === undefined ? allQueries : allQueries.slice(0, Number(args.queries));
const queryTexts = queries.map((record) => record.seq);
const truth = new Map<string, string>();
for (const line of readFileSync(join(workload, 'truth.tsv'), 'utf8').split('\n').slice(1)) {
  const [query, ref] = line.split('\t');
  if (query !== undefined && ref !== undefined) truth.set(query, ref);
}
const refBases = refs.reduce((sum, record) => sum + record.seq.length, 0);
console.log(
  `workload ${args.size}: ${refs.length} refs, ${refBases} bases; ${queries.length} queries; node ${process.version}; ` +
    `${availableParallelism()} cpus (${cpus()[0]?.model ?? '?'}); load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`,
);

/** Lenient recall@1 over per-query hit lists (name, score), best first; decoys only counted when they hit. */
function recallOf(results: readonly (readonly (readonly [string, number])[])[]): { recall: number; decoysWithHits: number } {
  let hits = 0;
  let scored = 0;
  let decoysWithHits = 0;
  queries.forEach((query, index) => {
    const rows = results[index] ?? [];
    const expected = truth.get(query.id);
    if (expected === undefined || expected === '-') {
      if (rows.length > 0) decoysWithHits++;
      return;
    }
    scored++;
    const best = rows[0]?.[1];
    if (rows.some(([name, score]) => score === best && name === expected)) hits++;
  });
  return { recall: hits / scored, decoysWithHits };
}

// ---------------------------------------------------------------- load and build

const directory = mkdtempSync(join(tmpdir(), 'kmersearch-sql-bench-'));
const path = join(directory, 'db');
const db = await KmerSearch.open({ path });
await db.exec(`${SESSION_SETUP}; CREATE TABLE refs (name text, seq dna2)`);
{
  const started = performance.now();
  await db.query(`COPY refs (name, seq) FROM '${join(workload, 'refs.fa')}' WITH (FORMAT fasta)`);
  const seconds = (performance.now() - started) / 1000;
  console.log(`COPY: ${seconds.toFixed(2)} s (${(refBases / seconds / 1e6).toFixed(1)} M bases/s)`);
}

interface BuildRow {
  readonly workers: number;
  readonly seconds: number;
  readonly peakRss: number;
}
const builds: BuildRow[] = [];
// The handle keeps its worker pool: start its two threads before timing, as a long-lived database would have them.
await db.exec(`
  CREATE TABLE warmup (seq dna2);
  INSERT INTO warmup SELECT repeat('ACGT', 50)::dna2 FROM generate_series(1, 600);
  SET max_parallel_maintenance_workers = 2;
  CREATE INDEX ON warmup USING gin (seq kmersearch_dna2_gin_ops_int8);
  DROP TABLE warmup;
`);
for (const workers of [1, 2]) {
  await db.query('DROP INDEX IF EXISTS refs_seq_idx', [], { onNotice: () => undefined });
  resetPeak();
  const started = performance.now();
  await db.exec(`SET max_parallel_maintenance_workers = ${workers}; CREATE INDEX refs_seq_idx ON refs USING gin (seq kmersearch_dna2_gin_ops_int8)`);
  const seconds = (performance.now() - started) / 1000;
  builds.push({ workers, seconds, peakRss });
  console.log(`CREATE INDEX, max_parallel_maintenance_workers = ${workers}: ${seconds.toFixed(2)} s, peak RSS ${mib(peakRss)}`);
}

// The index's size and the engine's own search, through a second storage handle on the same environment.
const storage = await StorageEngine.open(path);
const snapshot = storage.beginRead();
const index = snapshot.getIndex('refs_seq_idx');
if (index === undefined) throw new Error('the index is missing');
const { postings, pages } = ginIndexOptions(index).statistics;
const ginBytes = storage.spaceUsage().gin.bytes;
const descriptor = describeIndexSearch(snapshot, index.id);
snapshot.close();
console.log(
  `index: ${postings} k-mers (postings), ${pages} index pages (${mib(pages * 8192)} of cache slots), ${mib(ginBytes)} of LMDB pages, ` +
    `${(ginBytes / postings).toFixed(2)} B per k-mer`,
);

// ---------------------------------------------------------------- searches

interface SearchRow {
  readonly label: string;
  readonly seconds: number;
  /** CPU seconds the searching processes used (all threads): q/s per busy core, whatever else the machine ran. */
  readonly cpuSeconds: number;
  readonly recall: number;
  readonly decoysWithHits: number;
}

/** Wall and CPU time of `run`. */
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { value, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}
const loadAverage = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');
const searches: SearchRow[] = [];
const plan = (await db.queryText(`EXPLAIN ${SEARCH_SQL.replaceAll('$1', `'${queryTexts[0] ?? ''}'`)}`)).rows.map((row) => row[0]);
console.log(`plan:\n  ${plan.join('\n  ')}`);

async function runSql(handle: KmerSearch, texts: readonly string[]): Promise<(readonly [string, number])[][]> {
  const results: (readonly [string, number])[][] = [];
  for (const text of texts) {
    const rows = (await handle.query<{ name: string; score: number }>(SEARCH_SQL, [text])).rows;
    results.push(rows.map((row) => [row.name, row.score] as const));
  }
  return results;
}

/** The queries through one handle, in this process. */
async function runOneHandle(indexCacheSize: number): Promise<SearchRow> {
  const handle = await KmerSearch.open({ path, indexCacheSize });
  await handle.exec(SESSION_SETUP);
  await runSql(handle, queryTexts.slice(0, WARMUP_QUERIES));
  const { value: results, seconds, cpuSeconds } = await timed(() => runSql(handle, queryTexts));
  await handle.close();
  const label = `SQL, one handle (db.query loop)${indexCacheSize === 0 ? ', indexCacheSize 0' : ', default 128 MiB index cache'}`;
  console.log(`${label}: ${(queryTexts.length / seconds).toFixed(0)} q/s (load average ${loadAverage()})`);
  return { label, seconds, cpuSeconds, ...recallOf(results) };
}

/** The queries split over `count` processes with a handle each; wall time from the common start. */
async function runClients(count: number, indexCacheSize: number): Promise<SearchRow> {
  const clients: ChildProcess[] = [];
  const shares = Array.from({ length: count }, (_, client) => queryTexts.filter((_, index) => index % count === client));
  const message = (child: ChildProcess): Promise<ClientReply> => new Promise((done) => child.once('message', (reply) => done(reply as ClientReply)));
  for (const share of shares) {
    const child = fork(join(benchDirectory, 'sql-search-client.ts'), [], { execArgv: ['--import', 'tsx'] });
    clients.push(child);
    const ready = message(child);
    const start: ClientRequest = { type: 'start', path, indexCacheSize, setup: SESSION_SETUP, sql: SEARCH_SQL, queries: share, warmup: WARMUP_QUERIES };
    child.send(start);
    if ((await ready).type !== 'ready') throw new Error('a client did not start');
  }
  const finished = clients.map(message);
  const started = performance.now();
  for (const child of clients) child.send({ type: 'go' } satisfies ClientRequest);
  const replies = await Promise.all(finished);
  const seconds = (performance.now() - started) / 1000;
  const results: (readonly [string, number])[][] = new Array(queryTexts.length);
  let cpuSeconds = 0;
  const label = `SQL, ${count} handles in ${count} processes${indexCacheSize === 0 ? ', indexCacheSize 0' : ', default 128 MiB index cache each'}`;
  console.log(`${label}: ${(queryTexts.length / seconds).toFixed(0)} q/s (load average ${loadAverage()})`);
  replies.forEach((reply, client) => {
    if (reply.type !== 'done') throw new Error('a client failed');
    cpuSeconds += reply.cpuMilliseconds / 1000;
    console.log(`  process ${client + 1}: ${(reply.results.length / (reply.milliseconds / 1000)).toFixed(0)} q/s, ${((reply.cpuMilliseconds / reply.milliseconds) * 100).toFixed(0)} % of a core`);
    reply.results.forEach((rows, position) => (results[position * count + client] = [...rows]));
  });
  return { label, seconds, cpuSeconds, ...recallOf(results) };
}
for (const indexCacheSize of [INDEX_CACHE_SIZE, 0]) {
  searches.push(await runOneHandle(indexCacheSize));
  searches.push(await runClients(2, indexCacheSize));
}

// The same searches without SQL: src/parallel's batch search on the calling thread, with and without a page cache.
// Row ids are block × 256 + slot: the names by row id, from a scan of the name column.
const names = new Map<number, string>();
{
  const reading = storage.beginRead();
  for (const batch of scanTable(reading, index.tableId, [0])) {
    batch.rowIds.forEach((rowId, position) => names.set(rowId, batch.columns[0]?.[position] as string));
  }
  reading.close();
}
for (const pageCacheBytes of [INDEX_CACHE_SIZE, 0]) {
  const input = {
    databasePath: path,
    index: descriptor,
    queries: queryTexts,
    thresholds: { minScore: 1, minSharedKmerRate: MIN_SHARED_KMER_RATE },
    limit: TOP,
    pageCacheBytes,
  };
  await searchQueries(null, 0, { ...input, queries: queryTexts.slice(0, WARMUP_QUERIES) });
  const { value: result, seconds, cpuSeconds } = await timed(() => searchQueries(null, 0, input, { batchSize: 250 }));
  const results = queryTexts.map((_, query) => {
    const rows: (readonly [string, number])[] = [];
    for (let at = result.offsets[query]!; at < result.offsets[query + 1]!; at++) rows.push([names.get(result.rowIds[at]!) ?? '', result.shared[at]!]);
    return rows;
  });
  const label = `engine without SQL (gin search, calling thread)${pageCacheBytes === 0 ? ', no page cache' : ', 128 MiB page cache'}`;
  console.log(`${label}: ${(queryTexts.length / seconds).toFixed(0)} q/s (load average ${loadAverage()})`);
  searches.push({ label, seconds, cpuSeconds, ...recallOf(results) });
}
await storage.close();
await db.close();

let naiveBuild: { seconds: number; peakRss: number; keys: number } | undefined;
if (!args['skip-naive']) {
  resetPeak();
  const started = performance.now();
  const naive = new NaiveMapIndex(keyLayout(KMER_SIZE, OCCURRENCE_BITS), refs.map((record) => record.seq));
  naiveBuild = { seconds: (performance.now() - started) / 1000, peakRss, keys: naive.keyCount };
  const thresholds = { minScore: 1, minSharedKmerRate: MIN_SHARED_KMER_RATE };
  const run = (texts: readonly string[]) => texts.map((text) => naive.search(text, thresholds, TOP).map((hit) => [refs[hit.row]?.id ?? '', hit.shared] as const));
  run(queryTexts.slice(0, WARMUP_QUERIES));
  const { value: results, seconds, cpuSeconds } = await timed(() => Promise.resolve(run(queryTexts)));
  searches.push({ label: 'naive in-memory Map, calling thread', seconds, cpuSeconds, ...recallOf(results) });
  naive.clear();
}
clearInterval(sampler);
rmSync(directory, { recursive: true, force: true });

// ---------------------------------------------------------------- report

console.log('\n| build | s | × naive | peak RSS | × naive | index on disk | B per k-mer |');
console.log('|---|---|---|---|---|---|---|');
for (const build of builds) {
  const time = naiveBuild === undefined ? '–' : (build.seconds / naiveBuild.seconds).toFixed(2);
  const memory = naiveBuild === undefined ? '–' : (build.peakRss / naiveBuild.peakRss).toFixed(2);
  console.log(
    `| CREATE INDEX, ${build.workers} worker(s) | ${build.seconds.toFixed(2)} | ${time} | ${mib(build.peakRss)} | ${memory} | ${mib(ginBytes)} | ${(ginBytes / postings).toFixed(2)} |`,
  );
}
if (naiveBuild !== undefined) console.log(`| naive Map | ${naiveBuild.seconds.toFixed(2)} | 1.00 | ${mib(naiveBuild.peakRss)} | 1.00 | – | – |`);
const naiveRate = searches.find((row) => row.label.startsWith('naive'));
console.log('\n| search (top 10, min_shared_kmer_rate = 0.1) | q/s | × naive | q per CPU-second | lenient recall@1 | decoys with hits |');
console.log('|---|---|---|---|---|---|');
for (const row of searches) {
  const rate = queries.length / row.seconds;
  const ratio = naiveRate === undefined ? '–' : (rate / (queries.length / naiveRate.seconds)).toFixed(2);
  console.log(`| ${row.label} | ${rate.toFixed(0)} | ${ratio} | ${(queries.length / row.cpuSeconds).toFixed(0)} | ${row.recall.toFixed(4)} | ${row.decoysWithHits} |`);
}
console.log(`\nload average at the end: ${loadAverage()}`);
