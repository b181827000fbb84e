/**
 * Test support for test/gin and test/parallel: temporary databases with a DNA table, random DNA2/DNA4 rows, and
 * the brute-force model of an index search (extract every live row's keys with src/kmer and count the
 * intersection with the query).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { DnaValue } from '../../src/dna/types.js';
import { newGinIndexOptions } from '../../src/gin/index.js';
import {
  countShared,
  keyLayout,
  storedKeysOf,
  toSortedKeys,
  withoutKeys,
  type KeyLayout,
  type KeyMembership,
  type SortedKeys,
} from '../../src/kmer/index.js';
import { ColumnTypes, type IndexRecord, type StorageEngine, type TableRecord, type WriteTransaction } from '../../src/storage/index.js';
import { packDna2, packDna4 } from '../kmer/model.js';

export { packDna2, packDna4 };

/** Spill files in the database directory (none should outlive a build). */
export function spillFiles(engine: StorageEngine): string[] {
  const directory = join(engine.path, 'spill');
  return existsSync(directory) ? readdirSync(directory) : [];
}

export function createSequenceTable(write: WriteTransaction, kind: 'dna2' | 'dna4', name = 'sequences'): TableRecord {
  return write.createTable({
    name,
    columns: [
      { name: 'id', type: ColumnTypes.int4 },
      { name: 'seq', type: kind === 'dna2' ? ColumnTypes.dna2 : ColumnTypes.dna4 },
    ],
  });
}

export function createKmerIndex(write: WriteTransaction, table: TableRecord, kmerSize: number, occurrenceBits: number): IndexRecord {
  return write.createIndex({
    tableId: table.id,
    columnName: 'seq',
    operatorClass: 'kmersearch_dna2_gin_ops_int8',
    options: newGinIndexOptions(kmerSize, occurrenceBits, { note: 'settings at creation' }) as unknown as Record<string, unknown>,
  });
}

/** DNA text: ACGT for DNA2; for DNA4 mostly ACGT with some IUPAC codes and N. */
export function dnaText(kind: 'dna2' | 'dna4', minLength = 0, maxLength = 90): fc.Arbitrary<string> {
  const base =
    kind === 'dna2'
      ? fc.constantFrom('A', 'C', 'G', 'T')
      : fc.oneof(
          { weight: 30, arbitrary: fc.constantFrom('A', 'C', 'G', 'T') },
          { weight: 2, arbitrary: fc.constantFrom('M', 'R', 'W', 'S', 'Y', 'K', 'V', 'H', 'D', 'B') },
          { weight: 1, arbitrary: fc.constant('N') },
        );
  // Low-complexity stretches make repeated k-mers (occurrence numbers > 0).
  const piece = fc.oneof(
    { weight: 5, arbitrary: fc.array(base, { minLength: 1, maxLength: 12 }).map((bases) => bases.join('')) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('A', 'AC', 'ACG'), fc.integer({ min: 2, max: 12 })).map(([unit, times]) => unit.repeat(times)) },
  );
  return fc.array(piece, { maxLength: 20 }).map((pieces) => pieces.join('')).filter((text) => text.length >= minLength).map((text) => text.slice(0, maxLength));
}

export function pack(kind: 'dna2' | 'dna4', text: string | null): DnaValue | null {
  if (text === null) return null;
  return kind === 'dna2' ? packDna2(text) : packDna4(text);
}

/** Key layouts to test: narrow ones and wide ones (T > 53). */
export const layouts: fc.Arbitrary<KeyLayout> = fc.constantFrom(
  keyLayout(4, 0),
  keyLayout(5, 2),
  keyLayout(8, 8),
  keyLayout(12, 4),
  keyLayout(16, 8),
  keyLayout(24, 6),
  keyLayout(24, 8),
  keyLayout(28, 8),
  keyLayout(32, 0),
);

/** The model: live rows' (rowId, shared) with shared ≥ ams, by row id. */
export function bruteForce(
  rows: ReadonlyMap<number, DnaValue | null>,
  layout: KeyLayout,
  query: SortedKeys,
  ams: number,
  excluded?: KeyMembership,
): [number, number][] {
  const result: [number, number][] = [];
  for (const [rowId, value] of [...rows].sort((a, b) => a[0] - b[0])) {
    if (value === null) continue;
    let keys = storedKeysOf(layout, value);
    if (excluded !== undefined) keys = withoutKeys(keys, excluded);
    const shared = countShared(keys, query);
    if (shared >= ams) result.push([rowId, shared]);
  }
  return result;
}

/** A query: some keys of random live rows (so there are hits) plus random keys, sorted and distinct. */
export function queryFrom(
  rows: ReadonlyMap<number, DnaValue | null>,
  layout: KeyLayout,
  random: () => number,
): SortedKeys {
  const values = [...rows.values()].filter((value): value is DnaValue => value !== null);
  const high: number[] = [];
  const low: number[] = [];
  const pick = Math.floor(random() * 3) + 1;
  for (let index = 0; index < pick && values.length > 0; index++) {
    const keys = storedKeysOf(layout, values[Math.floor(random() * values.length)]!);
    for (let key = 0; key < keys.count; key++) {
      if (random() < 0.6) continue;
      if (keys.wide) {
        high.push(keys.high[key]!);
        low.push(keys.low[key]!);
      } else {
        high.push(Math.floor(keys.values[key]! / 2 ** 32));
        low.push(keys.values[key]! >>> 0);
      }
    }
  }
  for (let index = 0; index < 5; index++) {
    const bits = layout.totalBits;
    high.push(bits > 32 ? Math.floor(random() * 2 ** (bits - 32)) : 0);
    low.push(Math.floor(random() * 2 ** Math.min(32, bits)));
  }
  if (layout.wide) {
    return toSortedKeys({ layout, wide: true, count: high.length, high: Uint32Array.from(high), low: Uint32Array.from(low) });
  }
  return toSortedKeys({
    layout,
    wide: false,
    count: high.length,
    values: Float64Array.from(high, (h, index) => h * 2 ** 32 + low[index]!),
  });
}

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function matchesAsPairs(matches: { count: number; rowIds: Uint32Array; shared: Uint32Array }): [number, number][] {
  return Array.from(matches.rowIds.subarray(0, matches.count), (rowId, index) => [rowId, matches.shared[index]!]);
}
