import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DNA2_CODE_BY_CHAR,
  DNA2_CODE_OF_DNA4_CODE,
  DNA4_CODE_BY_CHAR,
  baseCodeAt,
  baseCount,
  dnaBitLength,
  dnaNucleotideLength,
  packedByteLength,
  packedByteLengthForBases,
} from '../../src/dna/index.js';
import { dna2, dna4 } from './helpers.js';

describe('length functions (reference core §1.7)', () => {
  it('bit_length is L; nuc_length, length and char_length are L/2 or L/4', () => {
    expect(dnaBitLength(dna2('ACGTA'))).toBe(10);
    expect(dnaNucleotideLength(dna2('ACGTA'))).toBe(5);
    expect(dnaBitLength(dna4('ACGTA'))).toBe(20);
    expect(dnaNucleotideLength(dna4('ACGTA'))).toBe(5);
    expect(dnaBitLength(dna2(''))).toBe(0);
    expect(dnaNucleotideLength(dna4(''))).toBe(0);
  });

  it('uses integer division', () => {
    expect(baseCount({ kind: 'dna2', bitLength: 7, data: new Uint8Array(1) })).toBe(3);
    expect(baseCount({ kind: 'dna4', bitLength: 7, data: new Uint8Array(1) })).toBe(1);
  });

  it('sizes packed data as ceil(L/8), also near 2^31', () => {
    expect(packedByteLength(0)).toBe(0);
    expect(packedByteLength(1)).toBe(1);
    expect(packedByteLength(8)).toBe(1);
    expect(packedByteLength(10)).toBe(2);
    expect(packedByteLength(2147483647)).toBe(268435456);
    expect(packedByteLengthForBases('dna2', 5)).toBe(2);
    expect(packedByteLengthForBases('dna4', 5)).toBe(3);
  });
});

describe('single-base access', () => {
  it('reads DNA2 codes and DNA4 masks MSB first', () => {
    const value = dna2('ACGTA');
    expect([0, 1, 2, 3, 4].map((i) => baseCodeAt(value, i))).toEqual([0, 1, 2, 3, 0]);
    const mixed = dna4('ANCM');
    expect([0, 1, 2, 3].map((i) => baseCodeAt(mixed, i))).toEqual([1, 15, 2, 3]);
  });

  it('agrees with the character tables on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ACGTUMRWSYKVHDBNacgtu'), maxLength: 80 }), (text) => {
        const value = dna4(text);
        expect(baseCount(value)).toBe(text.length);
        for (let i = 0; i < text.length; i++) {
          const code = DNA4_CODE_BY_CHAR[text.charCodeAt(i)];
          expect(baseCodeAt(value, i)).toBe(code);
          const plain = DNA2_CODE_OF_DNA4_CODE[code ?? 0] ?? -1;
          if (plain >= 0) expect(plain).toBe(DNA2_CODE_BY_CHAR[text.charCodeAt(i)]);
        }
        const dna2Text = text.replace(/[^ACGTUacgtu]/g, 'G');
        const packed = dna2(dna2Text);
        for (let i = 0; i < dna2Text.length; i++) {
          expect(baseCodeAt(packed, i)).toBe(DNA2_CODE_BY_CHAR[dna2Text.charCodeAt(i)]);
        }
      }),
    );
  });

  it('maps only the four single-base DNA4 masks to DNA2 codes', () => {
    expect([...DNA2_CODE_OF_DNA4_CODE]).toEqual([-1, 0, 1, -1, 2, -1, -1, -1, 3, -1, -1, -1, -1, -1, -1, -1]);
  });
});
