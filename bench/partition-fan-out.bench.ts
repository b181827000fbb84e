/**
 * The break-even of the SQL fan-out over partitions (src/sql/executor/append.ts `fanOutMinimumWork`): on the
 * real-genome workload in 4 partitions (k = 16, b = 8, min_shared_kmer_rate = 0.1), queries of several lengths cut
 * from refs.fa's sequences laid end to end (`reads`: the workload's reads of 150–300 bases), each searched with
 * `SELECT name, kmersearch_matchscore(seq, $1) AS score FROM refs WHERE seq =% $1 ORDER BY 2 DESC, 1 LIMIT 10`
 * through one handle, the partitions searched in turn in the calling thread (max_parallel_workers = 0) and fanned
 * out whatever the cost rule says (--workers pool threads, the break-even lowered to 0). The two modes alternate
 * for --rounds rounds of --seconds each per length, after a warm-up; the fastest round of each counts (on a shared
 * machine it is the one least disturbed). Each line gives the length, the estimated work (append.ts
 * estimatedSearchWork from the partition indexes' statistics) and the milliseconds per query of both modes.
 *
 *   npx tsx bench/partition-fan-out.bench.ts [--size 20M] [--lengths reads,500,1000,2000,3000,5000,10000]
 *       [--workers 2] [--rounds 5] [--seconds 0.6]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ginIndexOptions } from '../src/gin/index.js';
import { KmerSearch } from '../src/index.js';
import { appendTestHooks } from '../src/sql/executor/append.js';
import { StorageEngine } from '../src/storage/index.js';
import { parseFasta } from './workload/workload.js';

const KMER_SIZE = 16;
const PARTITIONS = 4;
const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '20M' },
    lengths: { type: 'string', default: 'reads,500,1000,2000,3000,5000,10000' },
    workers: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '0.6' },
  },
});
const workload = join(dirname(fileURLToPath(import.meta.url)), 'out', args.size);
if (!existsSync(join(workload, 'refs.fa'))) {
  console.error(`missing ${workload}/refs.fa — run: bash bench/workload/fetch-genomes.sh && npx tsx bench/workload/make-workload.ts --size ${args.size}`);
  process.exit(1);
}
const loadAverage = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(`workload ${args.size}; ${PARTITIONS} partitions; ${args.workers} workers; node ${process.version}; ${availableParallelism()} cpus (${cpus()[0]?.model ?? '?'}); load average ${loadAverage()}`);

const path = mkdtempSync(join(tmpdir(), 'kmersearch-fan-out-bench-'));
const db = await KmerSearch.open({ path });
await db.exec(`SET kmersearch.kmer_size = ${KMER_SIZE}; SET kmersearch.occur_bitlen = 8; SET kmersearch.min_shared_kmer_rate = 0.1`);
await db.exec('CREATE TABLE refs (name text, seq dna2)');
await db.query(`COPY refs (name, seq) FROM '${join(workload, 'refs.fa')}' WITH (FORMAT fasta)`);
await db.query(`SELECT kmersearch_partition_table('refs', ${PARTITIONS})`, [], { onNotice: () => undefined });
await db.query("SELECT * FROM kmersearch_parallel_create_index('refs', 'seq')", [], { onNotice: () => undefined });
await db.close();

// Work per query key (append.ts estimatedSearchWork): Σ over the partitions of 1 + postings per key / 50.
const storage = await StorageEngine.open(path);
const snapshot = storage.beginRead();
let workPerKey = 0;
for (let remainder = 0; remainder < PARTITIONS; remainder++) {
  const index = snapshot.getIndex(`refs_${remainder}_seq_gin_idx`);
  if (index === undefined) throw new Error(`index of partition ${remainder} is missing`);
  const { keys, postings } = ginIndexOptions(index).statistics;
  workPerKey += 1 + postings / Math.max(1, keys) / 50;
}
snapshot.close();
await storage.close();

const genome = parseFasta(readFileSync(join(workload, 'refs.fa'), 'latin1'))
  .map((record) => record.seq)
  .join('');
const reads = parseFasta(readFileSync(join(workload, 'queries.fa'), 'latin1')).map((record) => record.seq);
/** 200 queries: the workload's reads, or windows of `length` bases of the references laid end to end. */
function queriesOf(length: string): string[] {
  if (length === 'reads') return reads.slice(0, 200);
  return Array.from({ length: 200 }, (_, index) => {
    const from = (index * 1048573 + 12345) % (genome.length - Number(length));
    return genome.slice(from, from + Number(length));
  });
}

const search = await KmerSearch.open({ path });
await search.exec(`SET kmersearch.kmer_size = ${KMER_SIZE}; SET kmersearch.occur_bitlen = 8; SET kmersearch.min_shared_kmer_rate = 0.1`);
const sql = 'SELECT name, kmersearch_matchscore(seq, $1) AS score FROM refs WHERE seq =% $1 ORDER BY 2 DESC, 1 LIMIT 10';
// Fill the handle's page cache with the partitions' pages.
for (const text of reads.slice(0, 2000)) await search.query(sql, [text]);

/** Milliseconds per query over `seconds` of queries, in the calling thread or fanned out. */
async function millisecondsPerQuery(texts: readonly string[], fannedOut: boolean, seconds: number): Promise<number> {
  await search.exec(`SET max_parallel_workers = ${fannedOut ? args.workers : 0}`);
  appendTestHooks.current = { minimumWork: 0 };
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) await search.query(sql, [texts[count++ % texts.length]]);
  appendTestHooks.current = undefined;
  return (performance.now() - started) / count;
}

console.log(`\n| query length | estimated work | calling thread ms/q | fan-out on ${args.workers} workers ms/q | speed-up |\n|---|---|---|---|---|`);
for (const length of args.lengths.split(',')) {
  const texts = queriesOf(length);
  await millisecondsPerQuery(texts.slice(0, 20), true, 0.2);
  await millisecondsPerQuery(texts.slice(0, 20), false, 0.2);
  const inThread: number[] = [];
  const fannedOut: number[] = [];
  for (let round = 0; round < Number(args.rounds); round++) {
    inThread.push(await millisecondsPerQuery(texts, false, Number(args.seconds)));
    fannedOut.push(await millisecondsPerQuery(texts, true, Number(args.seconds)));
  }
  const [here, there] = [Math.min(...inThread), Math.min(...fannedOut)];
  const averageLength = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
  console.log(`| ${length} | ${Math.round((averageLength - KMER_SIZE + 1) * workPerKey)} | ${here.toFixed(3)} | ${there.toFixed(3)} | ${(here / there).toFixed(2)}× |`);
}
await search.close();
rmSync(path, { recursive: true, force: true });
console.log(`load average at the end ${loadAverage()}`);
