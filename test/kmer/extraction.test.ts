import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { KeyExtractor, keyLayout, queryKeysOf } from '../../src/kmer/index.js';
import { AMBIGUITY, basesArbitrary, layoutArbitrary, queryTextArbitrary } from './arbitraries.js';
import { keysAsBigInts, modelKeys, packDna2, packDna4 } from './model.js';

const extractor = new KeyExtractor();

function dna2Keys(bases: string, k: number, b: number): bigint[] {
  return keysAsBigInts(extractor.extractStored(keyLayout(k, b), packDna2(bases)));
}
function dna4Keys(bases: string, k: number, b: number): bigint[] {
  return keysAsBigInts(extractor.extractStored(keyLayout(k, b), packDna4(bases)));
}
function textKeys(text: string, k: number, b: number): bigint[] {
  return keysAsBigInts(extractor.extractQuery(keyLayout(k, b), text));
}

function thrown(action: () => unknown): KmerSearchError {
  try {
    action();
  } catch (error) {
    if (error instanceof KmerSearchError) return error;
    throw error;
  }
  throw new Error('expected a KmerSearchError');
}

describe('reference key values (core §2.2–2.3)', () => {
  it('k-mer values without occurrence bits', () => {
    expect(dna2Keys('ATCG', 4, 0)).toEqual([54n]);
    expect(dna2Keys('TTTT', 4, 0)).toEqual([255n]);
    expect(dna2Keys('AAAA', 4, 0)).toEqual([0n]);
  });

  it('k=4, b=8: ATCG#0, ATCG#1, TCGA#0, TTTT#3', () => {
    // ATCG#0, TCGA#0, CGAT#0 (99·256), GATC#0 (141·256), ATCG#1
    expect(dna2Keys('ATCGATCG', 4, 8)).toEqual([13824n, 55296n, 25344n, 36096n, 13825n]);
    expect(dna2Keys('TTTTTTT', 4, 8)).toEqual([65280n, 65281n, 65282n, 65283n]);
    expect(textKeys('TCGA', 4, 8)).toEqual([55296n]);
  });

  it("'AAAAMAAAA' as DNA4 yields the ten keys of core §2.3 in order", () => {
    // AAAA#0, AAAA#1, AAAC#0, AAAA#2, AACA#0, AAAA#3, ACAA#0, AAAA#4, CAAA#0, AAAA#5
    const expected = [0n, 1n, 256n, 2n, 1024n, 3n, 4096n, 4n, 16384n, 5n];
    expect(dna4Keys('AAAAMAAAA', 4, 8)).toEqual(expected);
    expect(textKeys('AAAAMAAAA', 4, 8)).toEqual(expected);
    expect(textKeys('aaaamaaaa', 4, 8)).toEqual(expected);
  });

  it("'ATCGMMCG' yields only ATCG#0, TCGA#0, TCGC#0", () => {
    expect(dna4Keys('ATCGMMCG', 4, 8)).toEqual([13824n, 55296n, 217n * 256n]);
    expect(textKeys('ATCGMMCG', 4, 8)).toEqual([13824n, 55296n, 217n * 256n]);
  });

  it('N and DNA4 code 0 skip every window that contains them; U reads as T', () => {
    expect(dna4Keys('AAAANCCCC', 4, 0)).toEqual([0n, 85n]);
    expect(dna4Keys('AAAA?CCCC', 4, 0)).toEqual([0n, 85n]);
    expect(textKeys('UUUU', 4, 0)).toEqual([255n]);
    expect(textKeys('NNNN', 4, 8)).toEqual([]);
  });

  it('occurrence numbering of AAAAAAAAAAAA (9 windows of AAAA)', () => {
    expect(dna2Keys('AAAAAAAAAAAA', 4, 0)).toEqual([0n]);
    expect(dna2Keys('AAAAAAAAAAAA', 4, 1)).toEqual([0n, 1n]);
    expect(dna2Keys('AAAAAAAAAAAA', 4, 2)).toEqual([0n, 1n, 2n, 3n]);
    expect(dna2Keys('AAAAAAAAAAAA', 4, 8)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
  });

  it('full 64-bit keys (k=32, b=0 and k=28, b=8)', () => {
    expect(dna2Keys('T'.repeat(32), 32, 0)).toEqual([2n ** 64n - 1n]);
    expect(dna2Keys('T'.repeat(29), 28, 8)).toEqual([((2n ** 56n - 1n) << 8n) | 0n, ((2n ** 56n - 1n) << 8n) | 1n]);
  });
});

describe('deviation F3 and validation order (core §2.1)', () => {
  it('a stored sequence shorter than k has no keys', () => {
    expect(dna2Keys('ATC', 4, 8)).toEqual([]);
    expect(dna4Keys('ATC', 4, 8)).toEqual([]);
    expect(dna2Keys('', 16, 8)).toEqual([]);
    expect(dna4Keys('A'.repeat(31), 32, 0)).toEqual([]);
  });

  it('query text shorter than k raises the reference error', () => {
    const error = thrown(() => textKeys('ATC', 4, 8));
    expect(error.code).toBe('22023');
    expect(error.message).toBe('Query sequence must be at least 4 bases long');
    expect(thrown(() => textKeys('', 16, 8)).message).toBe('Query sequence must be at least 16 bases long');
  });

  it('length check before the character check, first offending character reported', () => {
    expect(thrown(() => textKeys('XX', 4, 8)).message).toBe('Query sequence must be at least 4 bases long');
    const x = thrown(() => textKeys('ATXG', 4, 8));
    expect(x.code).toBe('22P02');
    expect(x.message).toBe("Invalid character 'X' for DNA sequence");
    expect(x.hint).toBe('DNA accepts A,C,G,T,U,M,R,W,S,Y,K,V,H,D,B,N characters');
    expect(thrown(() => textKeys('ATCG ', 4, 8)).message).toBe("Invalid character ' ' for DNA sequence");
    expect(thrown(() => textKeys('AT?GX', 4, 8)).message).toBe("Invalid character '?' for DNA sequence");
  });

  it('lengths are UTF-8 byte lengths; a non-ASCII character shows as U+FFFD', () => {
    expect(thrown(() => textKeys('Aé', 4, 8)).message).toBe('Query sequence must be at least 4 bases long');
    expect(thrown(() => textKeys('ATé', 4, 8)).message).toBe("Invalid character '\uFFFD' for DNA sequence");
    expect(thrown(() => textKeys('A😀', 4, 8)).message).toBe("Invalid character '\uFFFD' for DNA sequence");
  });

  it('layout errors come first (T > 64)', () => {
    const error = thrown(() => queryKeysOf(keyLayout(32, 8), 'XX'));
    expect(error.code).toBe('22023');
    expect(error.message).toBe('Total bit length exceeds 64 bits');
    expect(error.detail).toBe('k-mer bits: 64, occurrence bits: 8, total: 72');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests against the BigInt model.

describe('extraction equals the reference model', () => {
  it('DNA2 packed input', () => {
    fc.assert(
      fc.property(layoutArbitrary, basesArbitrary(['A'], 300), ({ k, b }, bases) => {
        expect(dna2Keys(bases, k, b)).toEqual(modelKeys(bases, k, b));
      }),
      { numRuns: 600 },
    );
  });

  it('DNA4 packed input with IUPAC codes and code 0', () => {
    fc.assert(
      fc.property(layoutArbitrary, basesArbitrary([...AMBIGUITY, '?'], 300), ({ k, b }, bases) => {
        expect(dna4Keys(bases, k, b)).toEqual(modelKeys(bases, k, b));
      }),
      { numRuns: 600 },
    );
  });

  it('query text in either case, with U', () => {
    fc.assert(
      fc.property(layoutArbitrary, queryTextArbitrary(300), ({ k, b }, text) => {
        const upper = text.toUpperCase().replaceAll('U', 'T');
        if (text.length < k) expect(() => textKeys(text, k, b)).toThrow('Query sequence must be at least');
        else expect(textKeys(text, k, b)).toEqual(modelKeys(upper, k, b));
      }),
      { numRuns: 600 },
    );
  });

  it('one extractor stays correct across layouts, kinds and many extractions (generation reuse)', () => {
    const local = new KeyExtractor();
    const cases: Array<[string, number, number]> = [
      ['ACGTACGTTTGACCAGTAAAAAAAAAAAAAAAAAAAAACGT', 8, 4],
      ['ACGTACGTTTGACCAGTAAAAAAAAAAAAAAAAAAAAACGT', 20, 8],
      ['ACGTMCGTTTGACCAGTAAAAANAAAAAAAAAAAAAAACGT', 5, 16],
      ['ACGTACGTTTGACCAGTAAAAAAAAAAAAAAAAAAAAACGT', 32, 0],
    ];
    for (let round = 0; round < 40_000; round++) {
      const [bases, k, b] = cases[round % cases.length]!;
      const layout = keyLayout(k, b);
      const keys = bases.includes('M') ? local.extractStored(layout, packDna4(bases)) : local.extractStored(layout, packDna2(bases));
      if (round % 997 === 0 || round > 39_990) expect(keysAsBigInts(keys)).toEqual(modelKeys(bases, k, b));
    }
  });

  it('stays correct when the 15-bit generation stamp wraps around', () => {
    const local = new KeyExtractor();
    const layout = keyLayout(6, 2);
    const bases = ['ACGTACGTTTGACCAGTAAAAAAAAAAAAAAAACGT', 'CCCCCCCCCCCCACGTACGTAC'];
    for (let round = 0; round < 70_000; round++) {
      const sequence = bases[round & 1]!;
      const keys = local.extractStored(layout, packDna2(sequence));
      if (round % 4999 === 0 || (round > 32_760 && round < 32_780) || (round > 65_520 && round < 65_540)) {
        expect(keysAsBigInts(keys)).toEqual(modelKeys(sequence, 6, 2));
      }
    }
  });

  it('a long sequence after short ones (table growth) and vice versa', () => {
    const local = new KeyExtractor();
    let seed = 12345;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 30;
    const long = Array.from({ length: 20_000 }, () => 'ACGT'[random()]!).join('');
    for (const bases of ['ACGTACGTAC', long, 'AAAAAAAAAAAA', long.slice(0, 5000)]) {
      for (const [k, b] of [[4, 8], [16, 8], [24, 16], [31, 2]] as const) {
        expect(keysAsBigInts(local.extractStored(keyLayout(k, b), packDna2(bases)))).toEqual(modelKeys(bases, k, b));
      }
    }
  });
});
