/**
 * Key extraction micro-benchmark (DESIGN §8): bases/s on one core at k = 16, b = 8 with occurrence numbering,
 * on the lambda phage genome (data/lambda_virus.fa.gz, 48,502 bp), next to the naive anchors — a plain rolling
 * 2-bit extraction without occurrence numbering, over the same packed bytes and over the text — so the results
 * are also ratios. The text anchor is the one DESIGN §8 quotes (128–153 M bases/s). Also DNA2 rows of 100 bases,
 * 1 kbp and 97 kbp cut from (or made of) the genome — the common row lengths — and one 10 Mbp row of random bases,
 * which takes src/kmer's long-input path.
 *
 *   npx tsx bench/kmer-extraction.bench.ts
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { Bench } from 'tinybench';
import type { DnaValue } from '../src/dna/types.js';
import { KeyExtractor, keyLayout } from '../src/kmer/index.js';

const KMER_SIZE = 16;
const OCCURRENCE_BITS = 8;

function readFastaSequence(path: string): string {
  const text = gunzipSync(readFileSync(path)).toString('latin1');
  return text
    .split('\n')
    .filter((line) => !line.startsWith('>'))
    .join('')
    .trim()
    .toUpperCase();
}

// Packed here rather than through src/dna so this benchmark measures src/kmer alone.
const DNA2_CODE: Record<string, number> = { A: 0, C: 1, G: 2, T: 3 };
const DNA4_MASK: Record<string, number> = { A: 1, C: 2, G: 4, T: 8, N: 15 };

function packDna2(bases: string): DnaValue {
  const data = new Uint8Array(Math.ceil(bases.length / 4));
  for (let i = 0; i < bases.length; i++) data[i >> 2]! |= (DNA2_CODE[bases[i]!] ?? 0) << (6 - 2 * (i & 3));
  return { kind: 'dna2', bitLength: 2 * bases.length, data };
}

function packDna4(bases: string): DnaValue {
  const data = new Uint8Array(Math.ceil(bases.length / 2));
  for (let i = 0; i < bases.length; i++) data[i >> 1]! |= (DNA4_MASK[bases[i]!] ?? 15) << (i & 1 ? 0 : 4);
  return { kind: 'dna4', bitLength: 4 * bases.length, data };
}

/** The anchor: rolling 2-bit k-mer values from packed DNA2, one number per window, no occurrence numbering. */
function naiveRollingExtraction(data: Uint8Array, baseCount: number, kmerSize: number, out: Float64Array): number {
  const valueMask = kmerSize >= 16 ? 0xffffffff : 2 ** (2 * kmerSize) - 1;
  let value = 0;
  let written = 0;
  for (let i = 0; i < baseCount; i++) {
    const code = (data[i >> 2]! >> (6 - 2 * (i & 3))) & 3;
    value = ((value << 2) | code) & valueMask;
    if (i >= kmerSize - 1) out[written++] = value >>> 0;
  }
  return written;
}

/** Second anchor: the same rolling extraction straight from the sequence text (a common naive form). */
function naiveRollingTextExtraction(text: string, kmerSize: number, out: Float64Array): number {
  const valueMask = kmerSize >= 16 ? 0xffffffff : 2 ** (2 * kmerSize) - 1;
  let value = 0;
  let written = 0;
  for (let i = 0; i < text.length; i++) {
    const character = text.charCodeAt(i);
    // A=65 C=67 G=71 T=84 → 0 1 2 3
    const code = character === 65 ? 0 : character === 67 ? 1 : character === 71 ? 2 : 3;
    value = ((value << 2) | code) & valueMask;
    if (i >= kmerSize - 1) out[written++] = value >>> 0;
  }
  return written;
}

const bases = readFastaSequence(new URL('../data/lambda_virus.fa.gz', import.meta.url).pathname);
const dna2 = packDna2(bases);
/** The genome cut into rows of `length` bases (the last partial one left out). */
function rowsOf(length: number): DnaValue[] {
  return Array.from({ length: Math.floor(bases.length / length) }, (_, row) => packDna2(bases.slice(row * length, (row + 1) * length)));
}
const shortRows = rowsOf(100);
const kilobaseRows = rowsOf(1000);
const twiceTheGenome = packDna2(bases + bases);
let seed = 11;
const randomBases = Array.from({ length: 10_000_000 }, () => 'ACGT'[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 30]!).join('');
const longRow = packDna2(randomBases);
const dna4 = packDna4(bases);
const layout = keyLayout(KMER_SIZE, OCCURRENCE_BITS);
const extractor = new KeyExtractor();
const naiveOut = new Float64Array(bases.length);
let sink = 0;

const bench = new Bench({ time: 2000, warmupTime: 500 });
bench
  .add('anchor: plain rolling 2-bit extraction (DNA2, no occurrence numbering)', () => {
    sink += naiveRollingExtraction(dna2.data, bases.length, KMER_SIZE, naiveOut);
  })
  .add('anchor: plain rolling 2-bit extraction (text, no occurrence numbering)', () => {
    sink += naiveRollingTextExtraction(bases, KMER_SIZE, naiveOut);
  })
  .add('KeyExtractor.extractStored DNA2 (k=16, b=8)', () => {
    sink += extractor.extractStored(layout, dna2).count;
  })
  .add('KeyExtractor.extractStored DNA4 (k=16, b=8)', () => {
    sink += extractor.extractStored(layout, dna4).count;
  })
  .add('KeyExtractor.extractQuery text (k=16, b=8)', () => {
    sink += extractor.extractQuery(layout, bases).count;
  })
  .add('KeyExtractor.extractStored DNA2, rows of 100 bases', () => {
    for (const row of shortRows) sink += extractor.extractStored(layout, row).count;
  })
  .add('KeyExtractor.extractStored DNA2, rows of 1 kbp', () => {
    for (const row of kilobaseRows) sink += extractor.extractStored(layout, row).count;
  })
  .add('KeyExtractor.extractStored DNA2, a row of 97 kbp', () => {
    sink += extractor.extractStored(layout, twiceTheGenome).count;
  })
  .add('KeyExtractor.extractStored DNA2, a row of 10 Mbp (random bases)', () => {
    sink += extractor.extractStored(layout, longRow).count;
  });

/** Bases per iteration of the tasks that do not extract the genome once. */
const basesOfTask = new Map<string, number>([
  ['KeyExtractor.extractStored DNA2, rows of 100 bases', shortRows.length * 100],
  ['KeyExtractor.extractStored DNA2, rows of 1 kbp', kilobaseRows.length * 1000],
  ['KeyExtractor.extractStored DNA2, a row of 97 kbp', 2 * bases.length],
  ['KeyExtractor.extractStored DNA2, a row of 10 Mbp (random bases)', randomBases.length],
]);

await bench.run();

const rows = bench.tasks.map((task) => {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
  const basesPerSecond = (basesOfTask.get(task.name) ?? bases.length) / (result.period / 1000);
  return { task: task.name, basesPerSecond, periodMs: result.period, moePercent: result.latency.rme };
});
const packedAnchor = rows[0]!.basesPerSecond;
const textAnchor = rows[1]!.basesPerSecond;

console.log(`lambda_virus.fa.gz: ${bases.length} bases; node ${process.version}; nproc ${availableParallelism()}`);
console.log('| task | M bases/s | ms per iteration | ± % | × packed anchor | × text anchor |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.task} | ${(row.basesPerSecond / 1e6).toFixed(1)} | ${row.periodMs.toFixed(3)} | ${row.moePercent.toFixed(1)} | ${(row.basesPerSecond / packedAnchor).toFixed(2)} | ${(row.basesPerSecond / textAnchor).toFixed(2)} |`,
  );
}
if (sink === -1) console.log(sink);
