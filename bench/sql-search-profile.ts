/**
 * A quick before/after harness for the SQL search path (not part of `npm run bench`): opens (or builds once) the
 * 20 Mbp database in a kept directory, then in one process alternates
 *   - the engine's batch search in the calling thread (src/parallel searchQueries, batches of 250), and
 *   - the SQL loop (`db.query` of the benchmark's statement, one after another),
 * over the same queries, and prints queries per CPU-second of each and their ratio (CPU time and the ratio are
 * less disturbed by other load on the machine than wall time).
 *
 *   npx tsx bench/sql-search-profile.ts [--size 20M] [--queries 3000] [--rounds 3] [--db /tmp/dir] [--sql-only]
 *   node --cpu-prof --import tsx bench/sql-search-profile.ts --sql-only    (profile the SQL loop)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KmerSearch } from '../src/index.js';
import { describeIndexSearch, searchQueries } from '../src/parallel/index.js';
import { StorageEngine } from '../src/storage/index.js';
import { parseFasta } from './workload/workload.js';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '20M' },
    queries: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '3' },
    db: { type: 'string' },
    'sql-only': { type: 'boolean', default: false },
    'index-cache': { type: 'string', default: '' },
  },
});
const benchDirectory = dirname(fileURLToPath(import.meta.url));
const workload = join(benchDirectory, 'out', args.size);
const directory = args.db ?? join(tmpdir(), `kmersearch-sql-profile-${args.size}`);
const path = join(directory, 'db');
const SETUP = 'SET kmersearch.kmer_size = 16; SET kmersearch.occur_bitlen = 8; SET kmersearch.min_shared_kmer_rate = 0.1';
const SQL = 'SELECT name, kmersearch_matchscore(seq, $1) AS score FROM refs WHERE seq =% $1 ORDER BY 2 DESC LIMIT 10';

const texts = parseFasta(readFileSync(join(workload, 'queries.fa'), 'latin1'))
  .slice(0, Number(args.queries))
  .map((record) => record.seq);

if (!existsSync(path)) {
  mkdirSync(directory, { recursive: true });
  const builder = await KmerSearch.open({ path });
  await builder.exec(`${SETUP}; CREATE TABLE refs (name text, seq dna2)`);
  await builder.query(`COPY refs (name, seq) FROM '${join(workload, 'refs.fa')}' WITH (FORMAT fasta)`);
  await builder.exec('SET max_parallel_maintenance_workers = 2; CREATE INDEX refs_seq_idx ON refs USING gin (seq kmersearch_dna2_gin_ops_int8)');
  await builder.close();
  console.log(`built ${path}`);
}

const indexCacheSize = args['index-cache'] === '' ? undefined : Number(args['index-cache']);
const db = await KmerSearch.open({ path, ...(indexCacheSize === undefined ? {} : { indexCacheSize }) });
await db.exec(SETUP);
// The statement's own cost: the same search on a one-row indexed table (the index search itself costs ~nothing).
await db.exec(`CREATE TABLE IF NOT EXISTS small (name text, seq dna2);
  INSERT INTO small SELECT 'one', $$${texts[0]}$$ WHERE NOT EXISTS (SELECT FROM small);
  CREATE INDEX IF NOT EXISTS small_seq_idx ON small USING gin (seq kmersearch_dna2_gin_ops_int8)`);
const SMALL_SQL = SQL.replace('FROM refs', 'FROM small');
async function statementMicroseconds(): Promise<number> {
  return 1e6 / (await perCpuSecond(async () => {
    for (const text of texts) await db.query(SMALL_SQL, [text]);
  }));
}

/** Queries per CPU-second of this process (user + system): less disturbed by other load than wall time. */
async function perCpuSecond(run: () => Promise<void>): Promise<number> {
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  return texts.length / ((used.user + used.system) / 1e6);
}

async function sqlRun(): Promise<number> {
  return perCpuSecond(async () => {
    let rows = 0;
    for (const text of texts) rows += (await db.query(SQL, [text])).rows.length;
    if (rows === 0) throw new Error('no rows');
  });
}

const storage = await StorageEngine.open(path);
const snapshot = storage.beginRead();
const index = snapshot.getIndex('refs_seq_idx');
if (index === undefined) throw new Error('the index is missing');
const descriptor = describeIndexSearch(snapshot, index.id);
snapshot.close();
async function engineRun(): Promise<number> {
  return perCpuSecond(async () => {
    await searchQueries(null, 0, {
      databasePath: path,
      index: descriptor,
      queries: texts,
      thresholds: { minScore: 1, minSharedKmerRate: 0.1 },
      limit: 10,
      ...(indexCacheSize === undefined ? {} : { pageCacheBytes: indexCacheSize }),
    }, { batchSize: 250 });
  });
}

await sqlRun();
if (!args['sql-only']) await engineRun();
for (let round = 0; round < Number(args.rounds); round++) {
  const sql = await sqlRun();
  if (args['sql-only']) {
    console.log(`SQL ${sql.toFixed(0)} q per CPU-s (load ${loadavg()[0]!.toFixed(2)})`);
    continue;
  }
  const engine = await engineRun();
  const statement = await statementMicroseconds();
  console.log(
    `q per CPU-second: SQL ${sql.toFixed(0)}, engine ${engine.toFixed(0)}, SQL/engine ${(sql / engine).toFixed(3)}; ` +
      `CPU µs per query: SQL ${(1e6 / sql).toFixed(0)}, engine ${(1e6 / engine).toFixed(0)}, one-row table ${statement.toFixed(0)} (load ${loadavg()[0]!.toFixed(2)})`,
  );
}
await storage.close();
await db.close();
