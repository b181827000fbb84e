/**
 * The high-frequency threshold of the reference (analysis §2.3), kept apart so that the SQL side, the caches and
 * the tests share one definition:
 *
 *   rate_threshold = trunc(total_rows × max_appearance_rate)   -- IEEE double product, truncated toward zero
 *   threshold      = max_appearance_nrow > 0 ? min(rate_threshold, max_appearance_nrow) : rate_threshold
 *   high-frequency ⇔ appearance_nrow > threshold               -- strictly greater
 *
 * The product is the plain JS double product of the same parsed double the reference multiplies, so
 * 100 × 0.29 = 28.999999999999996 → 28 and 100 × 0.15 = 15.000000000000002 → 15 come out as in PostgreSQL.
 * The effective threshold is what the result reports as `max_appearance_nrow_used`.
 */

/** The effective threshold (`max_appearance_nrow_used`); `maxAppearanceNrow` 0 means "no row-count cap". */
export function highFrequencyThreshold(totalRows: number, maxAppearanceRate: number, maxAppearanceNrow: number): number {
  const rateThreshold = Math.trunc(totalRows * maxAppearanceRate);
  return maxAppearanceNrow > 0 ? Math.min(rateThreshold, maxAppearanceNrow) : rateThreshold;
}

/** The reference's predicate: strictly more rows than the threshold. */
export function isHighFrequency(appearanceNrow: number, threshold: number): boolean {
  return appearanceNrow > threshold;
}
