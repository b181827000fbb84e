/**
 * Equality and btree ordering of DNA2/DNA4 values (reference core §1.6). Both compare the bit length and
 * the ceil(L/8) data bytes, padding included; with zero padding everywhere (F8, F9) that is the same as
 * comparing the bases. The ordering puts a shorter bit length first whatever the content ('' < 'T' < 'AA',
 * 'CA' < 'GG' < 'AAA'); equal lengths compare bytes as unsigned numbers. Only the sign of the reference's
 * cmp result is contractual (glibc memcmp returns byte differences), so compare returns −1, 0 or 1.
 * Both arguments are of the same kind: SQL defines these operators per type.
 */
import { packedByteLength } from './packed.js';
import type { DnaValue } from './types.js';

/** SQL `=`: equal bit length and identical data bytes. */
export function dnaEquals(left: DnaValue, right: DnaValue): boolean {
  if (left.bitLength !== right.bitLength) return false;
  const dataLength = packedByteLength(left.bitLength);
  const leftData = left.data;
  const rightData = right.data;
  for (let i = 0; i < dataLength; i++) {
    if (leftData[i] !== rightData[i]) return false;
  }
  return true;
}

/** btree support function `kmersearch_dna2_cmp` / `kmersearch_dna4_cmp`, normalized to −1, 0 or 1. */
export function dnaCompare(left: DnaValue, right: DnaValue): -1 | 0 | 1 {
  if (left.bitLength !== right.bitLength) return left.bitLength < right.bitLength ? -1 : 1;
  const dataLength = packedByteLength(left.bitLength);
  const leftData = left.data;
  const rightData = right.data;
  for (let i = 0; i < dataLength; i++) {
    const leftByte = leftData[i] ?? 0;
    const rightByte = rightData[i] ?? 0;
    if (leftByte !== rightByte) return leftByte < rightByte ? -1 : 1;
  }
  return 0;
}
