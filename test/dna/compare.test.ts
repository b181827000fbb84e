import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { dnaCompare, dnaEquals, formatDna, type DnaValue } from '../../src/dna/index.js';
import { dna2, dna4 } from './helpers.js';

describe('equality (reference core §1.6)', () => {
  it('needs equal bit length and equal bytes', () => {
    expect(dnaEquals(dna2('ACGT'), dna2('acgu'))).toBe(true);
    expect(dnaEquals(dna2('A'), dna2('AA'))).toBe(false);
    expect(dnaEquals(dna2('A'), dna2('AAAA'))).toBe(false);
    expect(dnaEquals(dna2(''), dna2(''))).toBe(true);
    expect(dnaEquals(dna4('ACGT'), dna4('ACGA'))).toBe(false);
  });
});

describe('btree ordering', () => {
  const sortTexts = (make: (text: string) => DnaValue, texts: string[]): string[] =>
    texts.map(make).sort(dnaCompare).map(formatDna);

  it("puts shorter values first regardless of content: '' < 'T' < 'AA'", () => {
    expect(dnaCompare(dna2(''), dna2('T'))).toBe(-1);
    expect(dnaCompare(dna2('T'), dna2('AA'))).toBe(-1);
    expect(dnaCompare(dna2('AA'), dna2('T'))).toBe(1);
  });

  it("orders 'CA' < 'GG' < 'AAA' (the reference's ORDER BY)", () => {
    expect(sortTexts(dna2, ['AAA', 'GG', 'T', '', 'CA'])).toEqual(['', 'T', 'CA', 'GG', 'AAA']);
    expect(dnaCompare(dna2('CA'), dna2('GG'))).toBe(-1);
    expect(dnaCompare(dna2('GG'), dna2('AAA'))).toBe(-1);
  });

  it('orders equal-length DNA4 values by nibble code', () => {
    const letters = 'ACMGRSVTWYHKDBN';
    expect(sortTexts(dna4, [...letters].reverse()).join('')).toBe(letters);
    expect(dnaCompare(dna4('AC'), dna4('AG'))).toBe(-1);
    expect(dnaCompare(dna4('N'), dna4('A'))).toBe(1);
    expect(dnaCompare(dna4('ACGT'), dna4('acgu'))).toBe(0);
  });

  it('compares bytes as unsigned', () => {
    expect(dnaCompare(dna2('TAAA'), dna2('AAAA'))).toBe(1);
  });
});

describe('ordering properties', () => {
  const value = fc
    .constantFrom('dna2', 'dna4')
    .chain((kind) =>
      fc
        .string({ unit: fc.constantFrom(...(kind === 'dna2' ? 'ACGT' : 'ACGTN')), maxLength: 9 })
        .map((text) => (kind === 'dna2' ? dna2(text) : dna4(text))),
    );
  const sameKindPair = fc.constantFrom('dna2', 'dna4').chain((kind) => {
    const one = fc
      .string({ unit: fc.constantFrom(...'ACGT'), maxLength: 9 })
      .map((text) => (kind === 'dna2' ? dna2(text) : dna4(text)));
    return fc.tuple(one, one, one);
  });

  it('is reflexive and consistent with equality', () => {
    fc.assert(
      fc.property(value, (x) => {
        expect(dnaCompare(x, x)).toBe(0);
        expect(dnaEquals(x, x)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(sameKindPair, ([x, y]) => {
        expect(dnaCompare(x, y) === 0).toBe(dnaEquals(x, y));
        expect(dnaEquals(x, y)).toBe(formatDna(x) === formatDna(y));
      }),
    );
  });

  it('is antisymmetric and transitive', () => {
    fc.assert(
      fc.property(sameKindPair, ([x, y, z]) => {
        expect(dnaCompare(x, y)).toBe(-dnaCompare(y, x) || 0);
        if (dnaCompare(x, y) <= 0 && dnaCompare(y, z) <= 0) expect(dnaCompare(x, z)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('sorts by base count first, then by the bases in code order', () => {
    fc.assert(
      fc.property(sameKindPair, ([x, y]) => {
        const [textX, textY] = [formatDna(x), formatDna(y)];
        // A<C<G<T is both the DNA2 code order and the DNA4 mask order of the four plain bases.
        const expected = textX.length !== textY.length ? Math.sign(textX.length - textY.length) : textX < textY ? -1 : textX > textY ? 1 : 0;
        expect(dnaCompare(x, y)).toBe(expected);
      }),
    );
  });
});
