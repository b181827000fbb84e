/**
 * A plain model of the reference analysis (analysis §2.2–§2.3) over row texts, from test/kmer/model.ts's key
 * extraction: rows containing each full key, the threshold with IEEE truncation, and the keys above it.
 */
import { modelKeys } from '../kmer/model.js';

export interface ModelAnalysis {
  readonly totalRows: number;
  readonly threshold: number;
  /** High-frequency keys, ascending, with their row counts. */
  readonly keys: readonly (readonly [bigint, number])[];
}

/** `rows`: upper-case bases (DNA4 letters allowed) or null. */
export function modelAnalysis(rows: readonly (string | null)[], k: number, b: number, rate: number, nrow: number): ModelAnalysis {
  const counts = new Map<bigint, number>();
  for (const row of rows) {
    if (row === null) continue;
    for (const key of new Set(modelKeys(row, k, b))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rateThreshold = Math.trunc(rows.length * rate);
  const threshold = nrow > 0 ? Math.min(rateThreshold, nrow) : rateThreshold;
  const keys = [...counts]
    .filter(([, count]) => count > threshold)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { totalRows: rows.length, threshold, keys };
}

/** The rows of `repeat('ACGTTGCAAGCA', 1 + i % 5)` for i = 1..count (the tests' repetitive table). */
export function repeatedRows(count: number): string[] {
  return Array.from({ length: count }, (_, index) => 'ACGTTGCAAGCA'.repeat(1 + ((index + 1) % 5)));
}
