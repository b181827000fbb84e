/**
 * High-frequency exclusion (issue 6, SPEC §4) through SQL on a synthetic table where a third of the rows start with
 * the same 28-base motif (its k-mers are in 13,334 of 40,000 rows, far above max_appearance_rate 0.01): the
 * analysis, then per `preclude_highfreq_kmer` setting a CREATE INDEX and 300 indexed searches, half of them
 * containing the motif. With exclusion the index leaves the motif's keys out and a search skips their long posting
 * lists; both settings must return the same number of rows here (each query finds the row it was cut from).
 *
 *   npx tsx bench/high-frequency-exclusion.bench.ts [--rows 40000]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { KmerSearch } from '../src/index.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '40000' } } });
const rowCount = Number(args.rows);

let seed = 7;
const random = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};
const motif = 'ACGTTGCAACGTAGCTAGCTAGGATCCA';
const rows: string[] = [];
for (let row = 0; row < rowCount; row++) {
  let text = '';
  for (let base = 0; base < 150; base++) text += 'ACGT'[Math.floor(random() * 4)];
  rows.push(row % 3 === 0 ? motif + text.slice(motif.length) : text);
}
const queries = Array.from({ length: 300 }, (_, index) => (index % 2 === 0 ? motif : '') + rows[(index * 131) % rows.length]!.slice(40, 120));

const db = await KmerSearch.open();
try {
  await db.exec("SET kmersearch.kmer_size = 12; SET kmersearch.max_appearance_rate = 0.01; SET maintenance_work_mem = '512MB'");
  await db.exec('CREATE TABLE t (id int, seq dna2)');
  for (let from = 0; from < rows.length; from += 2000) {
    await db.query(`INSERT INTO t VALUES ${rows.slice(from, from + 2000).map((text, offset) => `(${from + offset}, '${text}')`).join(', ')}`);
  }
  let started = performance.now();
  const analysis = await db.query<{ highfreq_kmers_count: number }>("SELECT * FROM kmersearch_perform_highfreq_analysis('t', 'seq')");
  console.log(`analysis: ${(performance.now() - started).toFixed(0)} ms, ${analysis.rows[0]?.highfreq_kmers_count} high-frequency keys`);
  for (const preclude of ['off', 'on']) {
    await db.exec(`SET kmersearch.preclude_highfreq_kmer = ${preclude}; DROP INDEX IF EXISTS t_seq_idx`);
    started = performance.now();
    await db.query('CREATE INDEX t_seq_idx ON t USING gin (seq kmersearch_dna2_gin_ops_int4)');
    const build = performance.now() - started;
    let found = 0;
    started = performance.now();
    for (const query of queries) found += (await db.query(`SELECT id FROM t WHERE seq =% '${query}'`)).rows.length;
    const search = performance.now() - started;
    console.log(
      `preclude_highfreq_kmer = ${preclude}: CREATE INDEX ${build.toFixed(0)} ms; ${queries.length} searches ${search.toFixed(0)} ms ` +
        `(${((queries.length / search) * 1000).toFixed(0)} q/s), ${found} rows`,
    );
  }
  console.log(`load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
} finally {
  await db.close();
}
