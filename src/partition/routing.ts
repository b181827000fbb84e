/**
 * Which partition a row goes to: PostgreSQL's hash partitioning with the DNA types' extended hash support
 * function (analysis §9.2, Appendix A). The packed payload bytes of the value (never its bit length) are hashed
 * with lookup3 `hash_bytes_extended` and the partition seed, combined with `hash_combine64(0, h)`, and the
 * remainder modulo the partition count names the partition; a NULL value goes to remainder 0.
 *
 * Everything is done on unsigned 32-bit halves: routing runs once per migrated or inserted row.
 */
import { hashBytesExtended, packedByteLength, type DnaValue } from '../dna/index.js';

/** PostgreSQL's HASH_PARTITION_SEED 0x7A5B22367996DCFD as 32-bit halves. */
const partitionSeedHigh = 0x7a5b2236;
const partitionSeedLow = 0x7996dcfd;
/** hash_combine64(0, h) adds 0x49a0f4dd15e5a8e3. */
const combineHigh = 0x49a0f4dd;
const combineLow = 0x15e5a8e3;
const twoTo32 = 0x1_0000_0000;

/** The 64-bit row hash PostgreSQL compares against the partition bounds, as unsigned halves. */
export function partitionRowHash(value: DnaValue | null): { readonly high: number; readonly low: number } {
  if (value === null) return { high: 0, low: 0 };
  const length = packedByteLength(value.bitLength);
  const bytes = value.data.length === length ? value.data : value.data.subarray(0, length);
  const hash = hashBytesExtended(bytes, partitionSeedHigh, partitionSeedLow);
  const lowSum = hash.low + combineLow;
  const carry = lowSum >= twoTo32 ? 1 : 0;
  return { high: (hash.high + combineHigh + carry) >>> 0, low: lowSum >>> 0 };
}

/** (high × 2^32 + low) mod modulus without BigInt; every intermediate stays below 2^53. */
function remainderOf(high: number, low: number, modulus: number): number {
  let remainder = high % modulus;
  remainder = (remainder * 0x10000) % modulus;
  remainder = (remainder * 0x10000) % modulus;
  return (remainder + (low % modulus)) % modulus;
}

/** The remainder (= partition number `<table>_<remainder>`) of a DNA value among `modulus` hash partitions. */
export function partitionRemainder(value: DnaValue | null, modulus: number): number {
  const hash = partitionRowHash(value);
  return remainderOf(hash.high, hash.low, modulus);
}
