/**
 * Import benchmark (DESIGN §8, "load (COPY FROM fasta)"): bases/s into a table and peak memory on the 100 Mbp
 * real-genome workload, next to two baselines run in the same process:
 *   - the FASTA reader alone (src/formats, records counted and dropped): the ceiling for any loader;
 *   - a plain INSERT loop: multi-row `INSERT … VALUES ($1, $2), …` of 500 rows through the public API, what an
 *     application without COPY would write.
 * COPY runs on the plain and on a gzip copy of the file, into `(id bigserial PRIMARY KEY, name text, seq dna2)`.
 * Memory: the peak RSS sampled every 10 ms during each phase, the RSS at each quarter of the COPY, and the same
 * COPY on the 20 Mbp set when it exists: memory must not grow with the amount loaded (rows go to disk in batches).
 *
 *   npx tsx bench/import.bench.ts [refs.fa]     (default bench/out/100M/refs.fa, generated when missing)
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { openSequenceFile } from '../src/formats/index.js';
import { KmerSearch } from '../src/index.js';

const benchDirectory = dirname(fileURLToPath(import.meta.url));
const repository = resolve(benchDirectory, '..');
const insertRowsPerStatement = 500;

function workloadFile(): string {
  const given = process.argv[2];
  if (given !== undefined) return resolve(given);
  const path = join(benchDirectory, 'out', '100M', 'refs.fa');
  if (!existsSync(path)) {
    console.log('bench/out/100M/refs.fa is missing: fetching the genomes and generating the 100M workload');
    execFileSync('bash', [join(benchDirectory, 'workload', 'fetch-genomes.sh')], { stdio: 'inherit', cwd: repository });
    execFileSync(process.execPath, ['--import', 'tsx', join(benchDirectory, 'workload', 'make-workload.ts'), '--size', '100M'], {
      stdio: 'inherit',
      cwd: repository,
    });
  }
  return path;
}

/** Samples the RSS while a phase runs; reports its peak. */
class MemorySampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 10);
  }

  sample(): number {
    const rss = process.memoryUsage().rss;
    this.peak = Math.max(this.peak, rss);
    return rss;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

interface PhaseResult {
  readonly name: string;
  readonly seconds: number;
  readonly bases: number;
  readonly rows: number;
  readonly peakRss: number;
  readonly startRss: number;
  readonly note?: string;
}

function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function phase(name: string, run: (sampler: MemorySampler) => Promise<{ bases: number; rows: number; note?: string }>): Promise<PhaseResult> {
  settle();
  const startRss = process.memoryUsage().rss;
  const sampler = new MemorySampler();
  const started = performance.now();
  const outcome = await run(sampler);
  const seconds = (performance.now() - started) / 1000;
  const peakRss = sampler.stop();
  const result: PhaseResult = { name, seconds, bases: outcome.bases, rows: outcome.rows, peakRss, startRss, ...(outcome.note === undefined ? {} : { note: outcome.note }) };
  console.log(
    `${name}: ${outcome.rows} rows, ${(outcome.bases / 1e6).toFixed(1)} Mbp in ${seconds.toFixed(2)} s = ${(outcome.bases / seconds / 1e6).toFixed(1)} M bases/s, ` +
      `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (${(startRss / 2 ** 20).toFixed(0)} MiB at start)${outcome.note === undefined ? '' : `; ${outcome.note}`}`,
  );
  return result;
}

async function readerBaseline(path: string): Promise<{ bases: number; rows: number }> {
  const reader = await openSequenceFile(path, { format: 'fasta' });
  let bases = 0;
  let rows = 0;
  for await (const batch of reader) {
    for (const record of batch) {
      bases += record.sequence.length;
      rows++;
    }
  }
  return { bases, rows };
}

function freshDirectory(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'kmersearch-import-bench-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

async function insertBaseline(path: string): Promise<{ bases: number; rows: number }> {
  const directory = freshDirectory();
  const db = await KmerSearch.open({ path: join(directory.path, 'db') });
  try {
    await db.query('CREATE TABLE refs (id bigserial PRIMARY KEY, name text, seq dna2)');
    const statement = (count: number): string =>
      `INSERT INTO refs (name, seq) VALUES ${Array.from({ length: count }, (_, index) => `($${2 * index + 1}, $${2 * index + 2})`).join(', ')}`;
    const full = statement(insertRowsPerStatement);
    let bases = 0;
    let rows = 0;
    let pending: string[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const count = pending.length / 2;
      await db.query(count === insertRowsPerStatement ? full : statement(count), pending);
      pending = [];
    };
    // One transaction, as COPY is one statement: the comparison is about the per-row path, not commits.
    await db.query('BEGIN');
    const reader = await openSequenceFile(path, { format: 'fasta' });
    for await (const batch of reader) {
      for (const record of batch) {
        pending.push(record.name, record.sequence);
        bases += record.sequence.length;
        rows++;
        if (pending.length === 2 * insertRowsPerStatement) await flush();
      }
    }
    await flush();
    await db.query('COMMIT');
    return { bases, rows };
  } finally {
    await db.close();
    directory.remove();
  }
}

async function copyPhase(path: string, sampler: MemorySampler): Promise<{ bases: number; rows: number; note: string }> {
  const directory = freshDirectory();
  const db = await KmerSearch.open({ path: join(directory.path, 'db') });
  try {
    await db.query('CREATE TABLE refs (id bigserial PRIMARY KEY, name text, seq dna2)');
    const quarters: string[] = [];
    let nextQuarter = 1;
    const result = await db.query(`COPY refs (name, seq) FROM '${path.replace(/'/gu, "''")}' WITH (FORMAT fasta)`, [], {
      onProgress: (progress) => {
        if (progress.total === undefined || progress.total === 0) return;
        while (nextQuarter <= 4 && progress.done >= (progress.total * nextQuarter) / 4) {
          quarters.push(`${nextQuarter * 25}%: ${(sampler.sample() / 2 ** 20).toFixed(0)}`);
          nextQuarter++;
        }
      },
    });
    const check = await db.query<{ n: number; bases: number }>('SELECT count(*) AS n, sum(length(seq)) AS bases FROM refs');
    const row = check.rows[0] as { n: number; bases: number };
    if (row.n !== result.affectedRows) throw new Error(`COPY reported ${result.affectedRows} rows but the table has ${row.n}`);
    const size = statSync(join(directory.path, 'db', 'data.mdb')).size;
    return { bases: Number(row.bases), rows: row.n, note: `RSS (MiB) at ${quarters.join(', ')}; data.mdb ${(size / 2 ** 20).toFixed(0)} MiB` };
  } finally {
    await db.close();
    directory.remove();
  }
}

async function main(): Promise<void> {
  const path = workloadFile();
  const gzipPath = `${path}.gz`;
  if (!existsSync(gzipPath)) await pipeline(createReadStream(path), createGzip({ level: 6 }), createWriteStream(gzipPath));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Import benchmark: ${path} (${(statSync(path).size / 1e6).toFixed(1)} MB; gzip ${(statSync(gzipPath).size / 1e6).toFixed(1)} MB)`);
  console.log(`Machine: ${cpus().length} × ${cpu}, Node ${process.version}`);
  const results: PhaseResult[] = [];
  results.push(await phase('baseline: FASTA reader alone', () => readerBaseline(path)));
  results.push(await phase('COPY FROM fasta (plain)', (sampler) => copyPhase(path, sampler)));
  results.push(await phase('COPY FROM fasta (gzip)', (sampler) => copyPhase(gzipPath, sampler)));
  // Memory must not grow with the amount loaded: the same COPY on the 20 Mbp set (when generated) for comparison.
  const smaller = join(benchDirectory, 'out', '20M', 'refs.fa');
  if (process.argv[2] === undefined && existsSync(smaller)) {
    results.push(await phase('COPY FROM fasta (20 Mbp set, memory scaling)', (sampler) => copyPhase(smaller, sampler)));
  }
  results.push(await phase(`baseline: INSERT loop (${insertRowsPerStatement} rows per statement, one transaction)`, () => insertBaseline(path)));
  const reader = results[0] as PhaseResult;
  console.log('\n| task | M bases/s | × reader | seconds | peak RSS (MiB) |\n|---|---|---|---|---|');
  for (const result of results) {
    const rate = result.bases / result.seconds;
    console.log(
      `| ${result.name} | ${(rate / 1e6).toFixed(1)} | ${(rate / (reader.bases / reader.seconds)).toFixed(2)} | ${result.seconds.toFixed(2)} | ${(result.peakRss / 2 ** 20).toFixed(0)} |`,
    );
  }
}

await main();
