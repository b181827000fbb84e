/**
 * `npm start`: a guided run on an embedded default. It opens a temporary database, loads the bundled real
 * sample — 10,000 sequencing reads of phage lambda (data/reads_1.fq.gz, with N bases, so stored as DNA4) —
 * takes a 120-base stretch of the lambda genome (data/lambda_virus.fa.gz) as the query, runs one `=%` search
 * ordered by `kmersearch_matchscore`, and prints what it did and the results in psql's format.
 * Nothing is left on disk: the temporary database is removed on close.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSequenceFile } from './formats/index.js';
import { KmerSearch } from './index.js';
import { formatAlignedTable } from './sql/format.js';
import type { TextQueryResult } from './sql/result.js';

const dataDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const readsFile = join(dataDirectory, 'reads_1.fq.gz');
const genomeFile = join(dataDirectory, 'lambda_virus.fa.gz');
/** Where in the lambda genome the query is taken from, and its length. */
const queryOffset = 20_000;
const queryLength = 120;
const insertBatchRows = 500;

function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function printResult(result: TextQueryResult): void {
  process.stdout.write(formatAlignedTable(result.fields, result.rows));
}

async function readGenome(): Promise<string> {
  const reader = await openSequenceFile(genomeFile);
  try {
    for await (const batch of reader) {
      const first = batch[0];
      if (first !== undefined) return first.sequence.toUpperCase();
    }
  } finally {
    await reader.close();
  }
  throw new Error(`no sequence in ${genomeFile}`);
}

async function loadReads(db: KmerSearch): Promise<number> {
  const reader = await openSequenceFile(readsFile);
  let loaded = 0;
  try {
    for await (const batch of reader) {
      for (let start = 0; start < batch.length; start += insertBatchRows) {
        const rows = batch.slice(start, start + insertBatchRows);
        const placeholders = rows.map((_, index) => `($${2 * index + 1}, $${2 * index + 2})`).join(', ');
        const params = rows.flatMap((record) => [record.name, record.sequence]);
        const result = await db.query(`INSERT INTO reads (name, seq) VALUES ${placeholders}`, params);
        loaded += result.affectedRows;
      }
    }
  } finally {
    await reader.close();
  }
  return loaded;
}

async function main(): Promise<void> {
  print('kmersearch demo: an embedded pg_kmersearch, no server');
  print('======================================================');
  await using db = await KmerSearch.open();

  await db.exec(`
    CREATE EXTENSION IF NOT EXISTS pg_kmersearch;
    CREATE TABLE reads (id serial PRIMARY KEY, name text NOT NULL, seq dna4 NOT NULL);
  `);
  const started = performance.now();
  const loaded = await loadReads(db);
  const seconds = (performance.now() - started) / 1000;
  print(`Loaded ${loaded} lambda phage reads from data/reads_1.fq.gz into a temporary database (${seconds.toFixed(2)} s).`);

  const genome = await readGenome();
  const query = genome.slice(queryOffset, queryOffset + queryLength);
  print(`Query: lambda genome bases ${queryOffset + 1}–${queryOffset + queryLength}:`);
  print(`  ${query}`);
  print();

  const settings = await db.queryText(`SELECT current_setting('kmersearch.kmer_size') AS kmer_size,
           current_setting('kmersearch.occur_bitlen') AS occur_bitlen,
           current_setting('kmersearch.min_shared_kmer_rate') AS min_shared_kmer_rate`);
  print('Settings (the reference defaults):');
  printResult(settings);

  const sql = `SELECT id, name, nuc_length(seq) AS length, kmersearch_matchscore(seq, '${query}') AS score
  FROM reads
 WHERE seq =% '${query}'
 ORDER BY score DESC, id
 LIMIT 10`;
  print('Search:');
  print(sql.replaceAll(query, `${query.slice(0, 12)}…`) + ';');
  print();
  const searchStarted = performance.now();
  const result = await db.queryText(sql);
  const searchMilliseconds = performance.now() - searchStarted;
  printResult(result);
  print(`Searched ${loaded} reads in ${searchMilliseconds.toFixed(0)} ms.`);
  print('Every read shown shares at least half of the query\'s 16-mers (kmersearch.min_shared_kmer_rate = 0.5).');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
