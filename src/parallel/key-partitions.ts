/**
 * Sort-based counting for the high-frequency analysis (variant 'sorted', keys of ≤ 52 bits): the fast one.
 *
 * Phase 1 (scan): every participant extracts its blocks' keys and appends each to one of 2^partitionBits private
 * buckets chosen by the key's top bits (a key range), as float64 values in SharedArrayBuffers, so they come back
 * to the main thread without a copy. Appends are sequential writes: no cache misses, no atomics.
 *
 * Phase 2 (merge): participants claim key ranges from a shared counter; for each, they concatenate that range's
 * buckets from every participant (a few hundred thousand keys: cache-sized), sort them natively and count runs of
 * equal keys. Ranges are disjoint, so the merge is parallel and the ranges' selected keys, concatenated in range
 * order, are already sorted.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { KeyList } from '../kmer/index.js';

/** Default key ranges: many more than participants, so claiming them balances skewed ranges. */
export const DEFAULT_PARTITION_BITS = 6;
const INITIAL_BUCKET_KEYS = 256;

/** One participant's buckets as they cross threads. */
export interface KeyPartitionsState {
  readonly buffers: readonly SharedArrayBuffer[];
  readonly counts: readonly number[];
}

/** Phase 1: a participant's private buckets. */
export class KeyPartitions {
  private readonly buckets: Float64Array[];
  private readonly counts: Float64Array;
  private readonly divisor: number;
  private bytes: number;

  constructor(
    totalBits: number,
    readonly partitionBits: number,
    private readonly maxBytes: number,
  ) {
    if (totalBits > 52) throw new Error('sorted counting needs keys of at most 52 bits');
    const partitions = 2 ** partitionBits;
    this.divisor = 2 ** Math.max(0, totalBits - partitionBits);
    this.buckets = Array.from({ length: partitions }, () => new Float64Array(new SharedArrayBuffer(INITIAL_BUCKET_KEYS * 8)));
    this.counts = new Float64Array(partitions);
    this.bytes = partitions * INITIAL_BUCKET_KEYS * 8;
    if (this.bytes > maxBytes) throw keyBufferOverflow(maxBytes);
  }

  /** Appends every key of a row. */
  addKeys(keys: KeyList): void {
    if (keys.wide) throw new Error('sorted counting needs narrow keys');
    const values = keys.values;
    const buckets = this.buckets;
    const counts = this.counts;
    const divisor = this.divisor;
    for (let index = 0; index < keys.count; index++) {
      const key = values[index]!;
      const partition = Math.floor(key / divisor);
      let bucket = buckets[partition]!;
      const at = counts[partition]!;
      if (at === bucket.length) bucket = this.grow(partition);
      bucket[at] = key;
      counts[partition] = at + 1;
    }
  }

  private grow(partition: number): Float64Array {
    const old = this.buckets[partition]!;
    this.bytes += old.byteLength;
    if (this.bytes > this.maxBytes) throw keyBufferOverflow(this.maxBytes);
    const grown = new Float64Array(new SharedArrayBuffer(old.byteLength * 2));
    grown.set(old);
    this.buckets[partition] = grown;
    return grown;
  }

  state(): KeyPartitionsState {
    return { buffers: this.buckets.map((bucket) => bucket.buffer as SharedArrayBuffer), counts: Array.from(this.counts) };
  }
}

/** Phase 2 input: every participant's buckets, a shared claim counter of ranges, the threshold. */
export interface MergeCountInput {
  readonly participants: readonly KeyPartitionsState[];
  /** Int32 counter of the next range to claim. */
  readonly claim: SharedArrayBuffer;
  readonly threshold: number;
}

/** Phase 2 output of one participant: for each range it merged, its distinct keys and the keys above threshold. */
export interface MergeCountResult {
  readonly ranges: readonly { readonly partition: number; readonly distinct: number; readonly keys: Float64Array; readonly counts: Uint32Array }[];
}

/** Claims and counts key ranges until none are left. */
export function mergeCountPartitions(input: MergeCountInput, shouldStop: () => boolean = () => false): MergeCountResult {
  const claim = new Int32Array(input.claim);
  const participants = input.participants;
  const partitions = participants[0]?.buffers.length ?? 0;
  const ranges: MergeCountResult['ranges'][number][] = [];
  let scratch = new Float64Array(0);
  for (;;) {
    if (shouldStop()) break;
    const partition = Atomics.add(claim, 0, 1);
    if (partition >= partitions) break;
    let total = 0;
    for (const participant of participants) total += participant.counts[partition]!;
    if (scratch.length < total) scratch = new Float64Array(Math.max(total, scratch.length * 2));
    let at = 0;
    for (const participant of participants) {
      const count = participant.counts[partition]!;
      scratch.set(new Float64Array(participant.buffers[partition]!, 0, count), at);
      at += count;
    }
    const sorted = scratch.subarray(0, total).sort();
    let distinct = 0;
    const keys: number[] = [];
    const counts: number[] = [];
    const threshold = input.threshold;
    for (let start = 0; start < total; ) {
      const key = sorted[start]!;
      let end = start + 1;
      while (end < total && sorted[end] === key) end++;
      distinct++;
      if (end - start > threshold) {
        keys.push(key);
        counts.push(end - start);
      }
      start = end;
    }
    ranges.push({ partition, distinct, keys: Float64Array.from(keys), counts: Uint32Array.from(counts) });
  }
  return { ranges };
}

export function keyBufferOverflow(budgetBytes: number): KmerSearchError {
  return new KmerSearchError(SqlState.outOfMemory, 'out of memory for the high-frequency k-mer analysis', {
    detail: `The k-mers collected for counting do not fit in the share of maintenance_work_mem (${Math.floor(budgetBytes / 1024)} kB) of one participant.`,
    hint: 'Increase maintenance_work_mem.',
  });
}
