/**
 * Keys as users see them: the reference's `uintkey` (unsigned decimal, also for 64-bit keys), and the signed
 * reinterpretation GIN stores (reference core §2.4). BigInt is used here because these run once per displayed
 * key, never in an extraction loop.
 */
import type { KeyList } from './keys.js';

/** Key `index` of `keys` as an unsigned bigint. */
export function keyToBigInt(keys: KeyList, index: number): bigint {
  if (!keys.wide) return BigInt(keys.values[index]!);
  return (BigInt(keys.high[index]!) << 32n) | BigInt(keys.low[index]!);
}

/** An unsigned 64-bit value given as two uint32 halves, in decimal. */
export function uint64ToDecimal(high: number, low: number): string {
  if (high < 0x200000) return String(high * 4294967296 + low); // < 2^53: exact as a double
  return ((BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)).toString();
}

/** Key `index` of `keys` as the reference's `uintkey` text. */
export function keyToDecimal(keys: KeyList, index: number): string {
  // Integral doubles below 2^53 print without exponent or fraction.
  return keys.wide ? uint64ToDecimal(keys.high[index]!, keys.low[index]!) : String(keys.values[index]!);
}
