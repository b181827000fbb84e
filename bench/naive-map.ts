/**
 * The naive baseline of the search benchmarks (DESIGN §8): every key of every reference in a JS Map from key to
 * row list, all in memory; a query counts its keys' rows in a typed array and keeps the best `top` rows reaching
 * ams. The same approach as bench/index-build.bench.ts's baseline, as a module so that other benchmarks can run
 * it in their own process.
 */
import { parseDnaText } from '../src/dna/index.js';
import { actualMinScore, KeyExtractor, queryKeysOf, type KeyLayout, type KeyList, type MatchThresholds } from '../src/kmer/index.js';

export interface NaiveHit {
  readonly row: number;
  readonly shared: number;
}

export class NaiveMapIndex {
  private readonly map = new Map<number, number[]>();
  private readonly extractor = new KeyExtractor();
  private readonly counts: Uint32Array;

  constructor(
    private readonly layout: KeyLayout,
    sequences: readonly string[],
  ) {
    if (layout.wide) throw new Error('the naive baseline keeps keys as plain numbers: k ≤ 22 with b = 8');
    sequences.forEach((sequence, row) => {
      const keys = this.extractor.extractStored(layout, parseDnaText('dna2', sequence)) as KeyList & { wide: false };
      for (let index = 0; index < keys.count; index++) {
        const key = keys.values[index]!;
        const list = this.map.get(key);
        if (list === undefined) this.map.set(key, [row]);
        else list.push(row);
      }
    });
    this.counts = new Uint32Array(sequences.length);
  }

  get keyCount(): number {
    return this.map.size;
  }

  /** The best `top` rows sharing at least ams keys with `text`, by shared count, then row. */
  search(text: string, thresholds: MatchThresholds, top: number): NaiveHit[] {
    const keys = queryKeysOf(this.layout, text, this.extractor);
    if (keys.wide || keys.count === 0) return [];
    const ams = actualMinScore(thresholds, keys.count);
    const counts = this.counts;
    const touched: number[] = [];
    for (let index = 0; index < keys.count; index++) {
      const list = this.map.get(keys.values[index]!);
      if (list === undefined) continue;
      for (const row of list) {
        if (counts[row] === 0) touched.push(row);
        counts[row]!++;
      }
    }
    const hits = touched.filter((row) => counts[row]! >= ams);
    hits.sort((a, b) => counts[b]! - counts[a]! || a - b);
    const best = hits.slice(0, top).map((row) => ({ row, shared: counts[row]! }));
    for (const row of touched) counts[row] = 0;
    return best;
  }

  clear(): void {
    this.map.clear();
  }
}
