/**
 * A quick before/after harness for the SQL search path (not part of `npm run bench`): opens (or builds once) the
 * 20 Mbp database in a kept directory, then in one process alternates
 *   - the engine's batch search in the calling thread (src/parallel searchQueries, batches of 250), and
 *   - the SQL loop (`db.query` of the benchmark's statement, one after another),
 * over the same queries, and prints q/s of each and their ratio (less disturbed by other load than either).
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

async function sqlRun(): Promise<number> {
  const started = performance.now();
  let rows = 0;
  for (const text of texts) rows += (await db.query(SQL, [text])).rows.length;
  if (rows === 0) throw new Error('no rows');
  return texts.length / ((performance.now() - started) / 1000);
}

const storage = await StorageEngine.open(path);
const snapshot = storage.beginRead();
const index = snapshot.getIndex('refs_seq_idx');
if (index === undefined) throw new Error('the index is missing');
const descriptor = describeIndexSearch(snapshot, index.id);
snapshot.close();
async function engineRun(): Promise<number> {
  const started = performance.now();
  await searchQueries(null, 0, {
    databasePath: path,
    index: descriptor,
    queries: texts,
    thresholds: { minScore: 1, minSharedKmerRate: 0.1 },
    limit: 10,
  }, { batchSize: 250 });
  return texts.length / ((performance.now() - started) / 1000);
}

await sqlRun();
if (!args['sql-only']) await engineRun();
for (let round = 0; round < Number(args.rounds); round++) {
  const sql = await sqlRun();
  if (args['sql-only']) {
    console.log(`SQL ${sql.toFixed(0)} q/s (load ${loadavg()[0]!.toFixed(2)})`);
    continue;
  }
  const engine = await engineRun();
  console.log(`SQL ${sql.toFixed(0)} q/s, engine ${engine.toFixed(0)} q/s, SQL/engine ${(sql / engine).toFixed(3)} (load ${loadavg()[0]!.toFixed(2)})`);
}
await storage.close();
await db.close();
