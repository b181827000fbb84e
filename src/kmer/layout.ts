/**
 * Key layouts and the extraction-time validation of reference core §2.1, items 1–4 (item 5, the query-text
 * character check, lives with the text extraction because it must run after the length check).
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { KeyLayout } from './keys.js';

export const MIN_KMER_SIZE = 4;
export const MAX_KMER_SIZE = 32;
export const MIN_OCCURRENCE_BITS = 0;
export const MAX_OCCURRENCE_BITS = 16;
/** Keys wider than this cannot be represented exactly by a JS number (2^53). */
export const MAX_NARROW_KEY_BITS = 53;
export const MAX_KEY_BITS = 64;

/** Layouts are immutable and few (29 × 17 at most): share one frozen object per (k, b). */
const layoutCache = new Map<number, KeyLayout>();

/**
 * The key layout for k-mer size k and occurrence bits b, validated in the reference's order (§2.1 items 1–3):
 * k range, b range, then T = 2k + b ≤ 64. All three raise SQLSTATE 22023 with the reference's texts.
 */
export function keyLayout(kmerSize: number, occurrenceBits: number): KeyLayout {
  // Validate first: the cache key is only unique for in-range values.
  validateKmerParameters(kmerSize, occurrenceBits);
  const cacheKey = kmerSize * (MAX_OCCURRENCE_BITS + 1) + occurrenceBits;
  const cached = layoutCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const totalBits = 2 * kmerSize + occurrenceBits;
  const layout: KeyLayout = Object.freeze({
    kmerSize,
    occurrenceBits,
    totalBits,
    wide: totalBits > MAX_NARROW_KEY_BITS,
  });
  layoutCache.set(cacheKey, layout);
  return layout;
}

/** Reference core §2.1 items 1–3, first failure wins. */
export function validateKmerParameters(kmerSize: number, occurrenceBits: number): void {
  if (!Number.isInteger(kmerSize) || kmerSize < MIN_KMER_SIZE || kmerSize > MAX_KMER_SIZE) {
    throw new KmerSearchError(SqlState.invalidParameterValue, `Invalid k-mer size: ${kmerSize}`, {
      detail: `k-mer size must be between ${MIN_KMER_SIZE} and ${MAX_KMER_SIZE}`,
    });
  }
  if (!Number.isInteger(occurrenceBits) || occurrenceBits < MIN_OCCURRENCE_BITS || occurrenceBits > MAX_OCCURRENCE_BITS) {
    throw new KmerSearchError(SqlState.invalidParameterValue, `Invalid occurrence bit length: ${occurrenceBits}`, {
      detail: `Occurrence bit length must be between ${MIN_OCCURRENCE_BITS} and ${MAX_OCCURRENCE_BITS}`,
    });
  }
  const kmerBits = 2 * kmerSize;
  const totalBits = kmerBits + occurrenceBits;
  if (totalBits > MAX_KEY_BITS) {
    // Reachable in the reference through RESET / SET LOCAL, which bypass the settings' combination check.
    throw new KmerSearchError(SqlState.invalidParameterValue, 'Total bit length exceeds 64 bits', {
      detail: `k-mer bits: ${kmerBits}, occurrence bits: ${occurrenceBits}, total: ${totalBits}`,
    });
  }
}

/** Reference core §2.1 item 4; for query text only (deviation F3: a short stored sequence has no keys). */
export function queryTooShortError(kmerSize: number): KmerSearchError {
  return new KmerSearchError(SqlState.invalidParameterValue, `Query sequence must be at least ${kmerSize} bases long`);
}

/** The reference's key width W: keys are unsigned W-bit integers (16, 32 or 64). */
export function keyWidthBits(layout: KeyLayout): 16 | 32 | 64 {
  return layout.totalBits <= 16 ? 16 : layout.totalBits <= 32 ? 32 : 64;
}
