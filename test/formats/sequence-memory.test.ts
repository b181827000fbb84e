import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSequenceStream } from '../../src/formats/index.js';

/** About 1 MiB of FASTA: 96 records of 10,000 bases wrapped at 70, bases from a fixed pseudo-random walk. */
function fastaBlock(): { bytes: Buffer; records: number; bases: number } {
  const letters = Buffer.from('ACGTACGTACGTACGN');
  const lines: string[] = [];
  let state = 12345;
  const records = 96;
  const basesPerRecord = 10_000;
  for (let record = 0; record < records; record++) {
    lines.push(`>seq${record} synthetic record for the memory test`);
    const sequence = Buffer.allocUnsafe(basesPerRecord);
    for (let index = 0; index < basesPerRecord; index++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      sequence[index] = letters[state >>> 27]!;
    }
    const text = sequence.toString('latin1');
    for (let start = 0; start < text.length; start += 70) lines.push(text.slice(start, start + 70));
  }
  return { bytes: Buffer.from(`${lines.join('\n')}\n`, 'latin1'), records, bases: records * basesPerRecord };
}

/** A stream repeating `block` `times` times, cut into slices that do not line up with lines or records. */
async function* repeated(block: Buffer, times: number, sliceBytes: number): AsyncGenerator<Buffer> {
  for (let turn = 0; turn < times; turn++) {
    for (let start = 0; start < block.length; start += sliceBytes) yield block.subarray(start, start + sliceBytes);
  }
}

/** Reads the stream, sampling the heap after every batch; returns what was read and the largest growth. */
async function readMeasuringHeap(source: AsyncIterable<Buffer>): Promise<{ records: number; bases: number; growth: number }> {
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;
  let peakBuffers = baseline.arrayBuffers;
  let records = 0;
  let bases = 0;
  for await (const batch of readSequenceStream(source, { fileName: 'generated.fa', batchBases: 1 << 20 })) {
    records += batch.length;
    for (const record of batch) bases += record.sequence.length;
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
  }
  const growth = peakHeap - baseline.heapUsed + Math.max(0, peakBuffers - baseline.arrayBuffers);
  return { records, bases, growth };
}

const times = 215;
const megabyte = 1024 * 1024;

describe('constant memory', () => {
  const block = fastaBlock();

  it('reads ~200 MB of plain FASTA with bounded heap', async () => {
    const result = await readMeasuringHeap(repeated(block.bytes, times, 65_521));
    expect(block.bytes.length * times).toBeGreaterThan(200 * megabyte);
    expect(result.records).toBe(block.records * times);
    expect(result.bases).toBe(block.bases * times);
    expect(result.growth).toBeLessThan(100 * megabyte);
  }, 20_000);

  it('reads ~200 MB of multi-member gzip FASTA with bounded heap', async () => {
    const member = gzipSync(block.bytes, { level: 1 });
    const result = await readMeasuringHeap(repeated(member, times, 40_009));
    expect(result.records).toBe(block.records * times);
    expect(result.bases).toBe(block.bases * times);
    expect(result.growth).toBeLessThan(100 * megabyte);
  }, 20_000);
});
