/** fast-check arbitraries of the extraction tests (test/kmer/extraction.test.ts, long-input.test.ts). */
import fc from 'fast-check';

/** k 4 … 32 and a b that keeps 2k + b ≤ 64. */
export const layoutArbitrary = fc
  .integer({ min: 4, max: 32 })
  .chain((k) => fc.record({ k: fc.constant(k), b: fc.integer({ min: 0, max: Math.min(16, 64 - 2 * k) }) }));

/** Mostly concrete bases, some ambiguity codes and N, so every kind of window occurs. */
export function basesArbitrary(extra: readonly string[], maxLength: number): fc.Arbitrary<string> {
  const base = fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom('A', 'C', 'G', 'T') },
    { weight: 2, arbitrary: fc.constantFrom(...extra) },
  );
  // size max: the default "small" size would keep most sequences shorter than k.
  const random = fc.array(base, { maxLength, size: 'max' }).map((bases) => bases.join(''));
  // Repeats of a short unit make many occurrences of one k-mer, exercising the 2^b limit.
  const repetitive = fc
    .tuple(fc.array(base, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 80 }))
    .map(([unit, times]) => unit.join('').repeat(times).slice(0, maxLength));
  return fc.oneof(random, repetitive);
}

export const AMBIGUITY = ['M', 'R', 'W', 'S', 'Y', 'K', 'V', 'H', 'D', 'B', 'N'] as const;

/** Query text: bases with U and IUPAC codes, each letter in either case. */
export function queryTextArbitrary(maxLength: number): fc.Arbitrary<string> {
  return basesArbitrary([...AMBIGUITY, 'U'], maxLength).chain((bases) =>
    fc
      .array(fc.boolean(), { minLength: bases.length, maxLength: bases.length })
      .map((lower) => [...bases].map((c, i) => (lower[i] ? c.toLowerCase() : c)).join('')),
  );
}
