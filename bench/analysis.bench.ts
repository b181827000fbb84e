/**
 * High-frequency analysis throughput on the real-genome workload (DESIGN §8): k-mers/s with 1 and 2 workers for
 * the counting variants (sorted: per-worker key-range buckets, then a parallel sort-and-count of each range; one
 * shared Atomics table; per-worker tables merged on the main thread), next to a
 * single-threaded in-process sort-based counter over the same rows in the same process, so every figure is also
 * a ratio. (A JS Map cannot be the baseline here: it holds at most 2^24 entries, fewer than the distinct keys.)
 *
 *   npx tsx bench/analysis.bench.ts [--size 20M] [--memory 512MB] [--workers 1,2] [--rate 0.5] [--variants sorted,shared,per-worker]
 *
 * k = 16, b = 8, max_appearance_rate = --rate, max_appearance_nrow = 0; `maintenance_work_mem` = --memory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { analyzeHighFrequencyKeys, highFrequencyThreshold, type KeyCountingVariant } from '../src/analysis/index.js';
import { parseDnaText } from '../src/dna/index.js';
import { KeyExtractor, keyLayout, type KeyList } from '../src/kmer/index.js';
import { WorkerPool } from '../src/parallel/index.js';
import { ColumnTypes, StorageEngine } from '../src/storage/index.js';
import { parseFasta } from './workload/workload.js';

const KMER_SIZE = 16;
const OCCURRENCE_BITS = 8;

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '20M' },
    memory: { type: 'string', default: '512MB' },
    workers: { type: 'string', default: '1,2' },
    rate: { type: 'string', default: '0.5' },
    repeat: { type: 'string', default: '2' },
    variants: { type: 'string', default: 'sorted,shared,per-worker' },
  },
});

function parseBytes(text: string): number {
  const match = /^(\d+)\s*(kB|MB|GB)?$/i.exec(text);
  if (match === null) throw new Error(`bad --memory ${text}`);
  const unit = (match[2] ?? '').toUpperCase();
  return Number(match[1]) * (unit === 'KB' ? 1024 : unit === 'MB' ? 1024 ** 2 : unit === 'GB' ? 1024 ** 3 : 1);
}

const benchDirectory = new URL('./', import.meta.url).pathname;
const directory = `${benchDirectory}out/${args.size}/`;
if (!existsSync(`${directory}refs.fa`)) {
  console.log(`generating bench/out/${args.size} …`);
  const fetched = spawnSync('bash', [`${benchDirectory}workload/fetch-genomes.sh`], { stdio: 'inherit' });
  const made = spawnSync(process.execPath, ['--import', 'tsx', `${benchDirectory}workload/make-workload.ts`, '--size', args.size], { stdio: 'inherit' });
  if (fetched.status !== 0 || made.status !== 0 || !existsSync(`${directory}refs.fa`)) {
    console.error(`could not generate ${directory}refs.fa`);
    process.exit(1);
  }
}
const memoryBudgetBytes = parseBytes(args.memory);
const workerCounts = args.workers.split(',').map(Number);
const rate = Number(args.rate);
const repeat = Number(args.repeat);
const layout = keyLayout(KMER_SIZE, OCCURRENCE_BITS);
const refs = parseFasta(readFileSync(`${directory}refs.fa`, 'latin1'));
const refBases = refs.reduce((sum, record) => sum + record.seq.length, 0);
console.log(
  `workload ${args.size}: ${refs.length} refs, ${refBases} bases; node ${process.version}; ${availableParallelism()} cpus ` +
    `(${cpus()[0]?.model ?? '?'}); k ${KMER_SIZE}, b ${OCCURRENCE_BITS}, rate ${rate}, maintenance_work_mem ${args.memory}`,
);

// ---------------------------------------------------------------- load (as bench/index-build.bench.ts)

const engine = await StorageEngine.open();
const write = await engine.beginWrite();
const table = write.createTable({
  name: 'refs',
  columns: [
    { name: 'name', type: ColumnTypes.text },
    { name: 'seq', type: ColumnTypes.dna2 },
  ],
});
const values = refs.map((record) => parseDnaText('dna2', record.seq));
write.insertRows(
  table.id,
  refs.map((record, index) => [record.id, values[index]!]),
);
write.commit();

// ---------------------------------------------------------------- baseline: sort-based count in this thread

function sortBasedCount(): { seconds: number; keys: number; highFrequency: number } {
  const started = performance.now();
  const extractor = new KeyExtractor();
  let total = 0;
  for (const value of values) total += Math.max(0, (value.bitLength >>> 1) - KMER_SIZE + 1);
  const all = new Float64Array(total);
  let count = 0;
  for (const value of values) {
    const keys = extractor.extractStored(layout, value) as KeyList & { wide: false };
    all.set(keys.values.subarray(0, keys.count), count);
    count += keys.count;
  }
  const sorted = all.subarray(0, count).sort();
  const threshold = highFrequencyThreshold(values.length, rate, 0);
  let highFrequency = 0;
  for (let start = 0; start < count; ) {
    let end = start + 1;
    while (end < count && sorted[end] === sorted[start]) end++;
    if (end - start > threshold) highFrequency++;
    start = end;
  }
  return { seconds: (performance.now() - started) / 1000, keys: count, highFrequency };
}

// ---------------------------------------------------------------- runs

const pool = new WorkerPool({ maxThreads: Math.max(...workerCounts, 1) });
async function analysis(variant: KeyCountingVariant, workers: number) {
  const snapshot = engine.beginRead();
  try {
    const started = performance.now();
    const result = await analyzeHighFrequencyKeys(snapshot, [{ tableId: table.id, columnIndex: 1 }], {
      databasePath: engine.path,
      kmerSize: KMER_SIZE,
      occurrenceBits: OCCURRENCE_BITS,
      maxAppearanceRate: rate,
      maxAppearanceNrow: 0,
      pool,
      workers,
      memoryBudgetBytes,
      variant,
    });
    return { seconds: (performance.now() - started) / 1000, result };
  } finally {
    snapshot.close();
  }
}

// Start and compile the worker threads before timing.
await analysis(args.variants.split(',')[0] as KeyCountingVariant, Math.max(...workerCounts));
const rows: string[] = [];
const best = new Map<string, number>();
for (let round = 0; round < repeat; round++) {
  globalThis.gc?.();
  const baseline = sortBasedCount();
  const label = 'sort-based count, calling thread';
  best.set(label, Math.min(best.get(label) ?? Infinity, baseline.seconds));
  console.log(`${label}: ${baseline.seconds.toFixed(2)} s, ${(baseline.keys / baseline.seconds / 1e6).toFixed(2)} M k-mers/s, ${baseline.highFrequency} high-frequency keys`);
  for (const variant of args.variants.split(',') as KeyCountingVariant[]) {
    for (const workers of workerCounts) {
      globalThis.gc?.();
      const { seconds, result } = await analysis(variant, workers);
      const key = `${variant}, ${workers} worker(s)`;
      best.set(key, Math.min(best.get(key) ?? Infinity, seconds));
      console.log(
        `${key}: ${seconds.toFixed(2)} s, ${(result.keysCounted / seconds / 1e6).toFixed(2)} M k-mers/s, ` +
          `${result.parallelWorkersUsed} workers used, ${result.distinctKeys} distinct keys, ${result.keys.count} high-frequency (threshold ${result.threshold})`,
      );
      rows.push(key);
    }
  }
}
const keys = sortBasedCount().keys;
console.log('\nbest of runs:');
const baselineSeconds = best.get('sort-based count, calling thread')!;
for (const [label, seconds] of best) {
  console.log(`  ${label}: ${seconds.toFixed(2)} s, ${(keys / seconds / 1e6).toFixed(2)} M k-mers/s, ${(baselineSeconds / seconds).toFixed(2)}× the baseline`);
}
for (const variant of args.variants.split(',')) {
  const one = best.get(`${variant}, 1 worker(s)`);
  const two = best.get(`${variant}, 2 worker(s)`);
  if (one !== undefined && two !== undefined) console.log(`  ${variant}: 1 → 2 workers ${(one / two).toFixed(2)}×`);
}
await pool.close();
await engine.close();
