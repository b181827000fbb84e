/**
 * A quick before/after harness for the SQL search path (not part of `npm run bench`): opens (or builds once) the
 * 20 Mbp database in a kept directory, then in one process alternates
 *   - the engine's batch search in the calling thread (src/parallel searchQueries, batches of 250), and
 *   - the SQL loop (`db.query` of the benchmark's statement, one after another),
 * and the same statement on a one-row indexed table (the statement's own cost), taking turns every 250 queries,
 * and prints CPU microseconds per query of each and the SQL/engine ratio (CPU time and the ratio are less
 * disturbed by other load on the machine than wall time).
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

/** CPU microseconds (user + system) of this process while `run` ran: less disturbed by other load than wall time. */
async function cpuMicroseconds(run: () => Promise<unknown>): Promise<number> {
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  return used.user + used.system;
}

const storage = await StorageEngine.open(path);
const snapshot = storage.beginRead();
const index = snapshot.getIndex('refs_seq_idx');
if (index === undefined) throw new Error('the index is missing');
const descriptor = describeIndexSearch(snapshot, index.id);
snapshot.close();

/** The three loops take turns every `chunk` queries, so that load changes on the machine hit all of them alike. */
const chunk = 250;
async function round(): Promise<{ sql: number; engine: number; statement: number }> {
  const total = { sql: 0, engine: 0, statement: 0 };
  for (let from = 0; from < texts.length; from += chunk) {
    const part = texts.slice(from, from + chunk);
    total.sql += await cpuMicroseconds(async () => {
      for (const text of part) await db.query(SQL, [text]);
    });
    if (args['sql-only']) continue;
    total.engine += await cpuMicroseconds(() =>
      searchQueries(null, 0, {
        databasePath: path,
        index: descriptor,
        queries: part,
        thresholds: { minScore: 1, minSharedKmerRate: 0.1 },
        limit: 10,
        ...(indexCacheSize === undefined ? {} : { pageCacheBytes: indexCacheSize }),
      }, { batchSize: chunk }),
    );
    total.statement += await cpuMicroseconds(async () => {
      for (const text of part) await db.query(SMALL_SQL, [text]);
    });
  }
  return { sql: total.sql / texts.length, engine: total.engine / texts.length, statement: total.statement / texts.length };
}

await round();
for (let index = 0; index < Number(args.rounds); index++) {
  const { sql, engine, statement } = await round();
  if (args['sql-only']) {
    console.log(`SQL ${sql.toFixed(0)} CPU µs per query (load ${loadavg()[0]!.toFixed(2)})`);
    continue;
  }
  console.log(
    `CPU µs per query: SQL ${sql.toFixed(0)}, engine ${engine.toFixed(0)}, SQL − engine ${(sql - engine).toFixed(0)}, ` +
      `one-row table ${statement.toFixed(0)}; SQL/engine q per CPU-second ${(engine / sql).toFixed(3)} (load ${loadavg()[0]!.toFixed(2)})`,
  );
}
await storage.close();
await db.close();
