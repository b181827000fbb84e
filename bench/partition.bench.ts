/**
 * Partitioned tables on the real-genome workload (issue 7; SPEC §7.2–7.3), through the public library API:
 *
 *   1. `COPY … WITH (FORMAT fasta)` of bench/out/<size>/refs.fa into `refs (name text, seq dna2)` and into a
 *      twin `flat`; `kmersearch_partition_table('refs', N)` (default 4) — its time;
 *   2. `SELECT * FROM kmersearch_parallel_create_index('refs', 'seq')` (k = 16, b = 8) with
 *      max_parallel_workers = max_parallel_maintenance_workers = 1 and 2 (each run after a warm-up run with the
 *      same setting, which starts the handle's pool; indexes dropped between runs): wall time and the 1 → 2
 *      speed-up, next to CREATE INDEX on `flat` with the same worker counts;
 *   3. fan-out search: the workload's reads (min_shared_kmer_rate = 0.1, top 10) over the N partition indexes with
 *      src/partition's searchPartitions on 0 (calling thread), 1 and 2 pool workers, next to src/parallel's
 *      searchQueries on the flat table's index; the per-query scores of the two must agree; and the SQL search
 *      `… FROM refs WHERE seq =% $1 ORDER BY 2 DESC LIMIT 10` on a subset through one handle (the Append searches
 *      the partitions one after another on the handle's thread), partitioned and flat.
 *
 *   npx tsx bench/partition.bench.ts [--size 20M] [--partitions 4] [--queries N] [--sql-queries N]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KmerSearch } from '../src/index.js';
import { searchPartitions } from '../src/partition/index.js';
import { describeIndexSearch, searchQueries, WorkerPool } from '../src/parallel/index.js';
import { StorageEngine } from '../src/storage/index.js';
import { parseFasta } from './workload/workload.js';

const KMER_SIZE = 16;
const OCCURRENCE_BITS = 8;
const MIN_SHARED_KMER_RATE = 0.1;
const TOP = 10;
const SETUP = `SET kmersearch.kmer_size = ${KMER_SIZE}; SET kmersearch.occur_bitlen = ${OCCURRENCE_BITS}; SET kmersearch.min_shared_kmer_rate = ${MIN_SHARED_KMER_RATE}`;

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '20M' },
    partitions: { type: 'string', default: '4' },
    queries: { type: 'string' },
    'sql-queries': { type: 'string', default: '1000' },
  },
});
const partitionCount = Number(args.partitions);
const workload = join(dirname(fileURLToPath(import.meta.url)), 'out', args.size);
if (!existsSync(join(workload, 'refs.fa'))) {
  console.error(`missing ${workload}/refs.fa — run: bash bench/workload/fetch-genomes.sh && npx tsx bench/workload/make-workload.ts --size ${args.size}`);
  process.exit(1);
}
const refs = parseFasta(readFileSync(join(workload, 'refs.fa'), 'latin1'));
const allQueries = parseFasta(readFileSync(join(workload, 'queries.fa'), 'latin1')).map((record) => record.seq);
const queries = args.queries === undefined ? allQueries : allQueries.slice(0, Number(args.queries));
const refBases = refs.reduce((sum, record) => sum + record.seq.length, 0);
const loadAverage = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(
  `workload ${args.size}: ${refs.length} refs, ${refBases} bases, ${queries.length} queries; ${partitionCount} partitions; node ${process.version}; ` +
    `${availableParallelism()} cpus (${cpus()[0]?.model ?? '?'}); load average ${loadAverage()}`,
);

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

const path = mkdtempSync(join(tmpdir(), 'kmersearch-partition-bench-'));
const db = await KmerSearch.open({ path });
await db.exec(SETUP);
await db.exec('CREATE TABLE refs (name text, seq dna2); CREATE TABLE flat (name text, seq dna2)');
const copySeconds = await seconds(async () => {
  await db.query(`COPY refs (name, seq) FROM '${join(workload, 'refs.fa')}' WITH (FORMAT fasta)`);
  await db.query(`COPY flat (name, seq) FROM '${join(workload, 'refs.fa')}' WITH (FORMAT fasta)`);
});
console.log(`COPY ×2: ${copySeconds.toFixed(2)} s`);
const partitionSeconds = await seconds(() => db.query(`SELECT kmersearch_partition_table('refs', ${partitionCount})`, [], { onNotice: () => undefined }));
const counts: number[] = [];
for (let remainder = 0; remainder < partitionCount; remainder++) {
  counts.push(Number((await db.query<{ count: bigint }>(`SELECT count(*) FROM refs_${remainder}`)).rows[0]?.count));
}
console.log(`kmersearch_partition_table: ${partitionSeconds.toFixed(2)} s; rows per partition ${counts.join(', ')}`);

// ---------------------------------------------------------------- index builds

async function dropPartitionIndexes(): Promise<void> {
  for (let remainder = 0; remainder < partitionCount; remainder++) await db.query(`DROP INDEX IF EXISTS refs_${remainder}_seq_gin_idx`, [], { onNotice: () => undefined });
}

interface BuildRow {
  readonly workers: number;
  readonly partitioned: number;
  readonly flat: number;
}
const builds: BuildRow[] = [];
for (const workers of [1, 2]) {
  await db.exec(`SET max_parallel_workers = ${workers}; SET max_parallel_maintenance_workers = ${workers}`);
  const timings: number[] = [];
  for (let run = 0; run < 2; run++) {
    await dropPartitionIndexes();
    timings.push(
      await seconds(async () => {
        const rows = (await db.query<{ success: boolean; error_message: string | null }>("SELECT * FROM kmersearch_parallel_create_index('refs', 'seq')", [], { onNotice: () => undefined })).rows;
        const failed = rows.filter((row) => !row.success);
        if (failed.length > 0) throw new Error(`partition builds failed: ${failed.map((row) => row.error_message).join('; ')}`);
      }),
    );
  }
  await db.query('DROP INDEX IF EXISTS flat_seq_idx', [], { onNotice: () => undefined });
  const flat = await seconds(() => db.query('CREATE INDEX flat_seq_idx ON flat USING gin (seq kmersearch_dna2_gin_ops_int8)'));
  builds.push({ workers, partitioned: timings[1] as number, flat });
  console.log(
    `workers ${workers}: kmersearch_parallel_create_index ${timings.map((value) => value.toFixed(2)).join(' / ')} s (warm-up / timed); ` +
      `CREATE INDEX on flat ${flat.toFixed(2)} s; load average ${loadAverage()}`,
  );
}
const [one, two] = builds as [BuildRow, BuildRow];
console.log(
  `speed-up 1 → 2 workers: kmersearch_parallel_create_index ${(one.partitioned / two.partitioned).toFixed(2)}×, ` +
    `CREATE INDEX (flat) ${(one.flat / two.flat).toFixed(2)}×`,
);

// ---------------------------------------------------------------- SQL search (Append, one handle)

const sqlQueries = queries.slice(0, Number(args['sql-queries']));
const searchSql = (table: string) => `SELECT name, kmersearch_matchscore(seq, $1) AS score FROM ${table} WHERE seq =% $1 ORDER BY 2 DESC, 1 LIMIT ${TOP}`;
const sqlAnswers = new Map<string, string[]>();
for (const table of ['flat', 'refs']) {
  for (const text of sqlQueries.slice(0, 50)) await db.query(searchSql(table), [text]);
  const answers: string[] = [];
  const time = await seconds(async () => {
    for (const text of sqlQueries) {
      const rows = (await db.query<{ name: string; score: number }>(searchSql(table), [text])).rows;
      answers.push(rows.map((row) => `${row.name}:${row.score}`).join(','));
    }
  });
  sqlAnswers.set(table, answers);
  console.log(`SQL search on ${table === 'refs' ? `refs (${partitionCount} partitions, Append)` : 'flat'}: ${(sqlQueries.length / time).toFixed(0)} q/s`);
}
const sqlAgree = (sqlAnswers.get('flat') ?? []).every((answer, index) => answer === sqlAnswers.get('refs')?.[index]);
console.log(`SQL answers equal (names and scores, top ${TOP}): ${sqlAgree}`);
await db.close();

// ---------------------------------------------------------------- engine fan-out search

const storage = await StorageEngine.open(path);
const snapshot = storage.beginRead();
const partitionDescriptors = Array.from({ length: partitionCount }, (_, remainder) => {
  const index = snapshot.getIndex(`refs_${remainder}_seq_gin_idx`);
  if (index === undefined) throw new Error(`index of partition ${remainder} is missing`);
  return describeIndexSearch(snapshot, index.id);
});
const flatIndex = snapshot.getIndex('flat_seq_idx');
if (flatIndex === undefined) throw new Error('the flat index is missing');
const flatDescriptor = describeIndexSearch(snapshot, flatIndex.id);
snapshot.close();
const thresholds = { minScore: 1, minSharedKmerRate: MIN_SHARED_KMER_RATE };
const pool = new WorkerPool({ maxThreads: 2 });
/** Per query, the multiset of the top scores (row ids differ between the layouts; scores must not). */
const scoreLists = (result: { offsets: Uint32Array; shared: Uint32Array }): string[] =>
  Array.from({ length: result.offsets.length - 1 }, (_, query) => Array.from(result.shared.subarray(result.offsets[query], result.offsets[query + 1])).join(','));

const warm = queries.slice(0, 200);
const rows: string[] = [];
let flatScores: string[] = [];
let fanOutScores: string[] = [];
for (const workers of [0, 1, 2]) {
  const flatInput = { databasePath: path, index: flatDescriptor, queries, thresholds, limit: TOP };
  await searchQueries(workers === 0 ? null : pool, workers, { ...flatInput, queries: warm });
  let flatResult: Awaited<ReturnType<typeof searchQueries>> | undefined;
  const flatTime = await seconds(async () => (flatResult = await searchQueries(workers === 0 ? null : pool, workers, flatInput)));
  const partitionInput = { databasePath: path, partitions: partitionDescriptors, queries, thresholds, limit: TOP };
  await searchPartitions(workers === 0 ? null : pool, workers, { ...partitionInput, queries: warm });
  let fanOut: Awaited<ReturnType<typeof searchPartitions>> | undefined;
  const fanOutTime = await seconds(async () => (fanOut = await searchPartitions(workers === 0 ? null : pool, workers, partitionInput)));
  flatScores = scoreLists(flatResult!);
  fanOutScores = scoreLists(fanOut!);
  rows.push(
    `| ${workers === 0 ? 'calling thread' : `${workers} worker${workers > 1 ? 's' : ''}`} | ${(queries.length / flatTime).toFixed(0)} | ${(queries.length / fanOutTime).toFixed(0)} |`,
  );
}
const agree = flatScores.every((scores, query) => scores === fanOutScores[query]);
console.log(`\n| engine search, ${queries.length} reads | flat index q/s | ${partitionCount} partitions fan-out q/s |\n|---|---|---|\n${rows.join('\n')}`);
console.log(`top-${TOP} scores per query equal between flat and fan-out: ${agree}`);
await pool.close();
await storage.close();
rmSync(path, { recursive: true, force: true });
console.log(`load average at the end ${loadAverage()}`);
