/**
 * The high-frequency analysis through SQL (issue 6) on the real-genome workload (bench/workload/README.md),
 * through the public library API: `COPY refs (name, seq) FROM 'refs.fa' WITH (FORMAT fasta)` into
 * `refs (name text, seq dna2)`, then `SELECT * FROM kmersearch_perform_highfreq_analysis('refs', 'seq')` at k = 16,
 * b = 8 with max_parallel_maintenance_workers = 1 and 2 (the handle's pool started beforehand by a small analysis)
 * and max_appearance_rate = --rate (few keys stored), and once more with rate 0 (every distinct key is stored: the
 * cost of writing an analysis). Reports seconds, k-mers counted per second, keys stored and peak RSS; beside it
 * bench/analysis.bench.ts measures the engine alone, so the difference is what SQL and storing add.
 *
 *   npx tsx bench/sql-analysis.bench.ts [--size 20M] [--rate 0.5] [--memory 1GB]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KmerSearch } from '../src/index.js';
import { parseFasta } from './workload/workload.js';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '20M' },
    rate: { type: 'string', default: '0.5' },
    memory: { type: 'string', default: '1GB' },
  },
});

const benchDirectory = dirname(fileURLToPath(import.meta.url));
const workload = join(benchDirectory, 'out', args.size);
if (!existsSync(join(workload, 'refs.fa'))) {
  console.error(`missing ${workload}/refs.fa — run: bash bench/workload/fetch-genomes.sh && npx tsx bench/workload/make-workload.ts --size ${args.size}`);
  process.exit(1);
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

const refs = parseFasta(readFileSync(join(workload, 'refs.fa'), 'latin1'));
const kmers = refs.reduce((sum, record) => sum + Math.max(0, record.seq.length - 15), 0);
console.log(`workload ${args.size}: ${refs.length} refs, ${kmers} k-mers; ${availableParallelism()} cpus; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);

const directory = mkdtempSync(join(tmpdir(), 'kmersearch-sql-analysis-'));
const db = await KmerSearch.open({ path: join(directory, 'db') });
try {
  await db.exec(`CREATE TABLE refs (name text, seq dna2); CREATE TABLE warm (seq dna2); INSERT INTO warm VALUES ('ACGTACGTACGTACGTACGT');
    SET kmersearch.kmer_size = 16; SET kmersearch.occur_bitlen = 8; SET maintenance_work_mem = '${args.memory}'; SET max_parallel_workers = 2`);
  let started = performance.now();
  await db.query(`COPY refs (name, seq) FROM '${join(workload, 'refs.fa')}' WITH (FORMAT fasta)`);
  console.log(`COPY: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  await db.query("SELECT kmersearch_perform_highfreq_analysis('warm', 'seq')");
  for (const [workers, rate] of [[1, Number(args.rate)], [2, Number(args.rate)], [2, 0]] as const) {
    await db.exec(`SET max_parallel_maintenance_workers = ${workers}; SET kmersearch.max_appearance_rate = ${rate}`);
    globalThis.gc?.();
    peakRss = process.memoryUsage.rss();
    started = performance.now();
    const result = await db.queryText("SELECT * FROM kmersearch_perform_highfreq_analysis('refs', 'seq')");
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `workers ${workers}, rate ${rate}: ${seconds.toFixed(2)} s, ${(kmers / seconds / 1e6).toFixed(2)} M k-mers/s, ` +
        `result ${JSON.stringify(result.rows[0])}, peak RSS ${mib(peakRss)}`,
    );
  }
} finally {
  clearInterval(sampler);
  await db.close();
  rmSync(directory, { recursive: true, force: true });
}
