import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import {
  checkOperatorClassWidth,
  KeyExtractor,
  keyLayout,
  keyToDecimal,
  keyWidthBits,
  operatorClassWidthError,
  optimalStorageClass,
  signedStorageValue,
  toSignedStorage,
  uint64ToDecimal,
  type GinStorageClass,
} from '../../src/kmer/index.js';
import { packDna2 } from './model.js';

function thrown(action: () => unknown): KmerSearchError {
  try {
    action();
  } catch (error) {
    if (error instanceof KmerSearchError) return error;
    throw error;
  }
  throw new Error('expected a KmerSearchError');
}

describe('keyLayout validation (core §2.1 items 1–3)', () => {
  it('accepts every 4 ≤ k ≤ 32, 0 ≤ b ≤ 16 with 2k + b ≤ 64 and marks keys over 53 bits wide', () => {
    for (let k = 4; k <= 32; k++) {
      for (let b = 0; b <= 16; b++) {
        if (2 * k + b > 64) continue;
        const layout = keyLayout(k, b);
        expect(layout).toEqual({ kmerSize: k, occurrenceBits: b, totalBits: 2 * k + b, wide: 2 * k + b > 53 });
        expect(keyLayout(k, b)).toBe(layout);
      }
    }
  });

  it('rejects k, then b, then T, with the reference texts and SQLSTATE 22023', () => {
    const k = thrown(() => keyLayout(3, 99));
    expect([k.code, k.message, k.detail]).toEqual(['22023', 'Invalid k-mer size: 3', 'k-mer size must be between 4 and 32']);
    expect(thrown(() => keyLayout(33, 0)).message).toBe('Invalid k-mer size: 33');
    const b = thrown(() => keyLayout(16, 17));
    expect([b.code, b.message, b.detail]).toEqual([
      '22023',
      'Invalid occurrence bit length: 17',
      'Occurrence bit length must be between 0 and 16',
    ]);
    expect(thrown(() => keyLayout(40, -1)).message).toBe('Invalid k-mer size: 40');
    expect(thrown(() => keyLayout(16, -1)).message).toBe('Invalid occurrence bit length: -1');
    const total = thrown(() => keyLayout(32, 8));
    expect([total.code, total.message, total.detail]).toEqual([
      '22023',
      'Total bit length exceeds 64 bits',
      'k-mer bits: 64, occurrence bits: 8, total: 72',
    ]);
    expect(keyLayout(32, 0).totalBits).toBe(64);
  });

  it('validates even after a layout with a colliding numeric shape was cached', () => {
    keyLayout(5, 0);
    expect(thrown(() => keyLayout(4, 64)).message).toBe('Invalid occurrence bit length: 64');
    expect(thrown(() => keyLayout(4.5, 0)).message).toBe('Invalid k-mer size: 4.5');
  });

  it('key width W', () => {
    expect(keyWidthBits(keyLayout(4, 8))).toBe(16);
    expect(keyWidthBits(keyLayout(4, 9))).toBe(32);
    expect(keyWidthBits(keyLayout(12, 8))).toBe(32);
    expect(keyWidthBits(keyLayout(13, 8))).toBe(64);
  });
});

describe('operator classes (core §2.4)', () => {
  it('optimal class by total bits', () => {
    expect(optimalStorageClass(16)).toBe('int2');
    expect(optimalStorageClass(17)).toBe('int4');
    expect(optimalStorageClass(32)).toBe('int4');
    expect(optimalStorageClass(33)).toBe('int8');
    expect(optimalStorageClass(72)).toBe('int8');
  });

  it('storage too small', () => {
    const error = thrown(() => checkOperatorClassWidth('int2', 16, 8));
    expect(error.code).toBe('22023');
    expect(error.message).toBe('operator class kmersearch_*_gin_ops_int2 cannot store current configuration');
    expect(error.detail).toBe('Required bits: 40 (kmer_size=16 * 2 + occur_bitlen=8), Storage capacity: 16 bits');
    expect(error.hint).toBe('Use kmersearch_*_gin_ops_int8 operator class for this configuration');
    const int4 = thrown(() => checkOperatorClassWidth('int4', 12, 9));
    expect(int4.detail).toBe('Required bits: 33 (kmer_size=12 * 2 + occur_bitlen=9), Storage capacity: 32 bits');
  });

  it('storage larger than optimal', () => {
    const error = thrown(() => checkOperatorClassWidth('int8', 4, 8));
    expect(error.code).toBe('22023');
    expect(error.message).toBe('operator class kmersearch_*_gin_ops_int8 is not optimal for current configuration');
    expect(error.detail).toBe('Current configuration requires 16 bits (kmer_size=4 * 2 + occur_bitlen=8)');
    expect(error.hint).toBe('Use kmersearch_*_gin_ops_int2 operator class for optimal performance and memory usage');
    expect(thrown(() => checkOperatorClassWidth('int4', 4, 0)).hint).toBe(
      'Use kmersearch_*_gin_ops_int2 operator class for optimal performance and memory usage',
    );
  });

  it('the fitting class passes; T > 64 cannot be stored even by int8', () => {
    expect(operatorClassWidthError('int2', 4, 8)).toBeUndefined();
    expect(operatorClassWidthError('int4', 8, 16)).toBeUndefined();
    expect(operatorClassWidthError('int8', 16, 8)).toBeUndefined();
    expect(operatorClassWidthError('int8', 32, 8)?.detail).toBe(
      'Required bits: 72 (kmer_size=32 * 2 + occur_bitlen=8), Storage capacity: 64 bits',
    );
  });

  it('exactly one class fits every valid layout', () => {
    for (let k = 4; k <= 32; k++) {
      for (let b = 0; b <= 16 && 2 * k + b <= 64; b++) {
        const fitting = (['int2', 'int4', 'int8'] as GinStorageClass[]).filter(
          (storageClass) => operatorClassWidthError(storageClass, k, b) === undefined,
        );
        expect(fitting).toEqual([optimalStorageClass(2 * k + b)]);
      }
    }
  });
});

describe('uintkey text and signed storage', () => {
  const extractor = new KeyExtractor();

  it('TCGA#0 = 55296 is stored as int2 −10240', () => {
    const keys = extractor.extractStored(keyLayout(4, 8), packDna2('TCGA'));
    expect(keyToDecimal(keys, 0)).toBe('55296');
    expect(signedStorageValue(keys, 0, 'int2')).toBe(-10240n);
    expect(toSignedStorage(13824n, 'int2')).toBe(13824n);
    expect(toSignedStorage(65283n, 'int2')).toBe(-253n);
    expect(toSignedStorage(0xffffffffn, 'int4')).toBe(-1n);
  });

  it('64-bit keys print unsigned and store as negative int8', () => {
    const keys = extractor.extractStored(keyLayout(32, 0), packDna2('T'.repeat(32)));
    expect(keys.wide).toBe(true);
    expect(keyToDecimal(keys, 0)).toBe('18446744073709551615');
    expect(signedStorageValue(keys, 0, 'int8')).toBe(-1n);
    const gt = extractor.extractStored(keyLayout(32, 0), packDna2('G' + 'A'.repeat(31)));
    expect(keyToDecimal(gt, 0)).toBe((2n ** 63n).toString());
    expect(signedStorageValue(gt, 0, 'int8')).toBe(-(2n ** 63n));
  });

  it('uint64ToDecimal equals BigInt for any halves', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (high, low) => {
        expect(uint64ToDecimal(high, low)).toBe(((BigInt(high) << 32n) | BigInt(low)).toString());
      }),
    );
  });
});
