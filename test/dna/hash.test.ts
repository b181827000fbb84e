import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  dnaHash,
  dnaHashExtended,
  hashBytes,
  hashBytesExtended,
  hashBytesExtendedBigInt,
} from '../../src/dna/index.js';
import { dna2, dna4, fromHex } from './helpers.js';

describe('hash_bytes / hash_bytes_extended: the reference vectors (core §1.6)', () => {
  it('kmersearch_dna*_hash', () => {
    expect(dnaHash(dna2(''))).toBe(-1477818771);
    expect(dnaHash(dna2('ACGT'))).toBe(-1171487734);
    expect(dnaHash(dna2('ACGTA'))).toBe(1847597151);
    expect(dnaHash(dna4('ACGT'))).toBe(1140359779);
  });

  it('hashes the data bytes only: DNA2 A, AA and AAAA collide', () => {
    expect(dnaHash(dna2('A'))).toBe(-1062527899);
    expect(dnaHash(dna2('AA'))).toBe(-1062527899);
    expect(dnaHash(dna2('AAAA'))).toBe(-1062527899);
  });

  it('kmersearch_dna*_hash_extended', () => {
    expect(dnaHashExtended(dna2('ACGT'), 0n)).toBe(-1902094614019668982n);
    expect(dnaHashExtended(dna2('ACGT'), 1n)).toBe(-2230902086080068941n);
    expect(dnaHashExtended(dna4('ACGT'), 42n)).toBe(-316955090194637676n);
    expect(dnaHashExtended(dna2(''), 0n)).toBe(-6939563903564495251n);
  });

  it('with seed 0, the low half of the extended hash is hash_bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(hashBytesExtended(bytes, 0, 0).low).toBe(hashBytes(bytes) >>> 0);
      }),
    );
  });

  it('takes a negative int8 seed as its two\'s complement', () => {
    const bytes = fromHex('1b00');
    const seed = -5n;
    const viaHalves = hashBytesExtended(bytes, 0xffffffff, 0xfffffffb);
    expect(hashBytesExtendedBigInt(bytes, seed)).toBe(
      BigInt.asIntN(64, (BigInt(viaHalves.high) << 32n) | BigInt(viaHalves.low)),
    );
  });
});

describe('partition routing vectors (analysis reference Appendix A, seed 0x7A5B22367996DCFD)', () => {
  const vectors: Array<[string, string]> = [
    ['36363636', '6dbbde650971dfb9'],
    ['9c9c9c9c', '973dad6b3737fd01'],
    ['ffffffff', 'ba5fc748095606c2'],
    ['00000000', 'c2e34bda39f0f0cd'],
    ['55555555', '6876112e74842431'],
    ['aaaaaaaa', 'bd0f56eca25899cf'],
    ['39393939', 'f5072f89743c471e'],
    ['66666666', '00e025ae152223ba'],
    ['3636363636363636', 'de92d6959778f57d'],
    ['9c9c9c9c9c9c9c9c', '8ad034fdccdf532f'],
    ['ffffffffffffffff', 'f7969bc6c4a6286f'],
    ['0000000000000000', '4a082a94df49388c'],
    ['5555555555555555', '4d1ce75cfacd7b79'],
    ['aaaaaaaaaaaaaaaa', '23e5239cce2ac858'],
    ['3939393939393939', '4807865e5e611048'],
    ['6666666666666666', '4a1a368c76edb647'],
    ['cccccccccccccccc', 'd5d263e8bfedad01'],
    ['1824182418241824', '1526aedeb269ae26'],
    ['4281428142814281', '8bb77e965fc535d0'],
    ['3333333333333333', 'f285b5fee44cfd19'],
  ];
  for (const [bytes, expected] of vectors) {
    it(`${bytes} → ${expected}`, () => {
      const hash = hashBytesExtended(fromHex(bytes), 0x7a5b2236, 0x7996dcfd);
      const text = hash.high.toString(16).padStart(8, '0') + hash.low.toString(16).padStart(8, '0');
      expect(text).toBe(expected);
      expect(BigInt.asUintN(64, hashBytesExtendedBigInt(fromHex(bytes), 0x7a5b22367996dcfdn))).toBe(
        BigInt(`0x${expected}`),
      );
    });
  }

  it('packs the DNA values of the table to those bytes', () => {
    expect(dnaHashExtended(dna2('ATCGATCGATCGATCG'), 0x7a5b22367996dcfdn)).toBe(BigInt.asIntN(64, 0x6dbbde650971dfb9n));
    expect(dnaHashExtended(dna4('NNNNNNNNNNNNNNNN'), 0x7a5b22367996dcfdn)).toBe(BigInt.asIntN(64, 0xf7969bc6c4a6286fn));
  });
});

describe('block and tail handling', () => {
  it('gives the same result at any byte offset (aligned and unaligned paths agree)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), fc.integer({ min: 0, max: 7 }), (bytes, shift) => {
        const shifted = new Uint8Array(bytes.length + shift);
        shifted.set(bytes, shift);
        const view = shifted.subarray(shift);
        expect(hashBytes(view)).toBe(hashBytes(bytes));
        expect(hashBytesExtendedBigInt(view, 7n)).toBe(hashBytesExtendedBigInt(bytes, 7n));
      }),
    );
  });

  it('matches an independent BigInt model of lookup3 for every length 0–40', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (bytes, seed) => {
        expect(BigInt.asUintN(64, hashBytesExtendedBigInt(bytes, seed))).toBe(referenceLookup3(bytes, seed));
      }),
    );
  });
});

/** hash_bytes_extended transcribed from hashfn.c with BigInt words, as an oracle independent of the `| 0` tricks. */
function referenceLookup3(key: Uint8Array, seed: bigint): bigint {
  const mask = 0xffffffffn;
  const rot = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & mask;
  let a = (0x9e3779b9n + BigInt(key.length) + 3923095n) & mask;
  let b = a;
  let c = a;
  const mix = (): void => {
    a = (a - c) & mask; a ^= rot(c, 4n); c = (c + b) & mask;
    b = (b - a) & mask; b ^= rot(a, 6n); a = (a + c) & mask;
    c = (c - b) & mask; c ^= rot(b, 8n); b = (b + a) & mask;
    a = (a - c) & mask; a ^= rot(c, 16n); c = (c + b) & mask;
    b = (b - a) & mask; b ^= rot(a, 19n); a = (a + c) & mask;
    c = (c - b) & mask; c ^= rot(b, 4n); b = (b + a) & mask;
  };
  if (seed !== 0n) {
    a = (a + (seed >> 32n)) & mask;
    b = (b + (seed & mask)) & mask;
    mix();
  }
  const byte = (i: number): bigint => BigInt(key[i] ?? 0);
  const word = (i: number): bigint => byte(i) | (byte(i + 1) << 8n) | (byte(i + 2) << 16n) | (byte(i + 3) << 24n);
  let offset = 0;
  let remaining = key.length;
  for (; remaining >= 12; offset += 12, remaining -= 12) {
    a = (a + word(offset)) & mask;
    b = (b + word(offset + 4)) & mask;
    c = (c + word(offset + 8)) & mask;
    mix();
  }
  const tail = [...key.subarray(offset)].map(BigInt);
  const shifts = [0n, 8n, 16n, 24n];
  tail.forEach((value, index) => {
    if (index < 4) a = (a + (value << (shifts[index] ?? 0n))) & mask;
    else if (index < 8) b = (b + (value << (shifts[index - 4] ?? 0n))) & mask;
    else c = (c + (value << (shifts[index - 7] ?? 0n))) & mask;
  });
  c ^= b; c = (c - rot(b, 14n)) & mask;
  a ^= c; a = (a - rot(c, 11n)) & mask;
  b ^= a; b = (b - rot(a, 25n)) & mask;
  c ^= b; c = (c - rot(b, 16n)) & mask;
  a ^= c; a = (a - rot(c, 4n)) & mask;
  b ^= a; b = (b - rot(a, 14n)) & mask;
  c ^= b; c = (c - rot(b, 24n)) & mask;
  return (b << 32n) | c;
}
