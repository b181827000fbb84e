/**
 * Reading packed values: sizes, lengths and single-base access (reference core §1.2, §1.7). These are the
 * primitives the k-mer layer walks sequences with, so they allocate nothing.
 */
import { type DnaKind, type DnaValue, bitsPerBase } from './types.js';

/** ceil(L / 8): data bytes of a value of bit length L. Plain division, since L may approach 2^31. */
export function packedByteLength(bitLength: number): number {
  return Math.floor((bitLength + 7) / 8);
}

/** Data bytes needed to hold `baseCount` bases of a kind. */
export function packedByteLengthForBases(kind: DnaKind, baseCount: number): number {
  return packedByteLength(baseCount * bitsPerBase(kind));
}

/** Number of bases n = L/2 (DNA2) or L/4 (DNA4), integer division. */
export function baseCount(value: DnaValue): number {
  return Math.trunc(value.bitLength / bitsPerBase(value.kind));
}

/** SQL `bit_length(x)`: L. */
export function dnaBitLength(value: DnaValue): number {
  return value.bitLength;
}

/**
 * SQL `nuc_length(x)`, `length(x)` and `char_length(x)`: the reference binds all three to the same
 * computation, L/2 or L/4 with integer division.
 */
export function dnaNucleotideLength(value: DnaValue): number {
  return baseCount(value);
}

/**
 * Code of base `index` (0-based): 0–3 for DNA2 (A, C, G, T), the 4-bit IUPAC mask for DNA4. Bases are
 * packed most-significant-bit first. The index is not range-checked (hot path); out-of-range reads give 0.
 */
export function baseCodeAt(value: DnaValue, index: number): number {
  const data = value.data;
  if (value.kind === 'dna2') {
    return ((data[index >>> 2] ?? 0) >>> (6 - 2 * (index & 3))) & 0b11;
  }
  return ((data[index >>> 1] ?? 0) >>> ((index & 1) === 0 ? 4 : 0)) & 0b1111;
}
