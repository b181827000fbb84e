import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { KmerSearchError } from '../../src/errors.js';
import { dnaEquals, dnaRecv, dnaSend, dnaToBytea, formatDna, type DnaKind } from '../../src/dna/index.js';
import { dna2, dna4, fromHex, hex, parse, thrownError } from './helpers.js';

describe('send and kmersearch_dna*_to_bytea (reference core §1.4–§1.5)', () => {
  it('writes the big-endian bit length then the data bytes', () => {
    expect(hex(dnaToBytea(dna2('ACGTA')))).toBe('0000000a1b00');
    expect(hex(dnaToBytea(dna4('ACGTA')))).toBe('00000014124810');
    expect(hex(dnaToBytea(dna2('')))).toBe('00000000');
    expect(hex(dnaToBytea(dna4('')))).toBe('00000000');
    expect(hex(dnaSend(dna2('ACGTA')))).toBe('0000000a1b00');
  });

  it('writes lengths above 255 in all four header bytes', () => {
    expect(hex(dnaSend(dna2('A'.repeat(200000))).subarray(0, 4))).toBe('00061a80');
  });
});

describe('recv (validated, deviation F9)', () => {
  it('reads what send wrote', () => {
    const value = dnaRecv('dna4', fromHex('00000014124810'));
    expect(value.bitLength).toBe(20);
    expect(formatDna(value)).toBe('ACGTA');
    expect(dnaEquals(dnaRecv('dna2', fromHex('00000000')), dna2(''))).toBe(true);
  });

  it('copies the data, so the message buffer can be reused', () => {
    const message = fromHex('0000000a1b00');
    const value = dnaRecv('dna2', message);
    message.fill(0xff);
    expect(formatDna(value)).toBe('ACGTA');
  });

  const rejected: Array<[DnaKind, string, string]> = [
    ['dna2', '', 'invalid binary representation for DNA2: message of 0 bytes is shorter than the 4-byte bit length'],
    ['dna4', '000000', 'invalid binary representation for DNA4: message of 3 bytes is shorter than the 4-byte bit length'],
    ['dna2', 'fffffff8', 'invalid binary representation for DNA2: negative bit length -8'],
    ['dna4', '80000000', 'invalid binary representation for DNA4: negative bit length -2147483648'],
    ['dna2', '0000000300', 'invalid binary representation for DNA2: bit length 3 is not even'],
    ['dna4', '0000000600', 'invalid binary representation for DNA4: bit length 6 is not a multiple of 4'],
    ['dna4', '0000000200', 'invalid binary representation for DNA4: bit length 2 is not a multiple of 4'],
    ['dna2', '0000000a1b', 'invalid binary representation for DNA2: bit length 10 needs 2 data bytes, got 1'],
    ['dna2', '0000000a1b0000', 'invalid binary representation for DNA2: bit length 10 needs 2 data bytes, got 3'],
    ['dna2', '0000000000', 'invalid binary representation for DNA2: bit length 0 needs 0 data bytes, got 1'],
    ['dna2', '7fffffff', 'invalid binary representation for DNA2: bit length 2147483647 is not even'],
    ['dna4', '7ffffffc', 'invalid binary representation for DNA4: bit length 2147483644 needs 268435456 data bytes, got 0'],
    ['dna2', '0000000a1b20', 'invalid binary representation for DNA2: padding bits after the last base are not zero'],
    ['dna2', '0000000203', 'invalid binary representation for DNA2: padding bits after the last base are not zero'],
    ['dna4', '000000041f', 'invalid binary representation for DNA4: padding bits after the last base are not zero'],
    ['dna4', '0000000c121f', 'invalid binary representation for DNA4: padding bits after the last base are not zero'],
    ['dna4', '0000000410', 'ok'],
    ['dna4', '0000000801', 'invalid binary representation for DNA4: base 1 has code 0, which is not an IUPAC code'],
    ['dna4', '0000000c1210', 'ok'],
    ['dna4', '0000000c12f0', 'ok'],
    ['dna4', '0000000c1200', 'invalid binary representation for DNA4: base 3 has code 0, which is not an IUPAC code'],
    ['dna4', '0000000412', 'invalid binary representation for DNA4: padding bits after the last base are not zero'],
  ];
  for (const [kind, message, text] of rejected) {
    it(`${kind} ${message || '(empty)'} → ${text}`, () => {
      if (text === 'ok') {
        expect(dnaRecv(kind, fromHex(message)).bitLength).toBeGreaterThan(0);
        return;
      }
      const error = thrownError(() => dnaRecv(kind, fromHex(message)));
      expect(error.code).toBe('22P02');
      expect(error.message).toBe(text);
    });
  }

  it('accepts every well-formed DNA2 byte, including all-T bytes', () => {
    expect(formatDna(dnaRecv('dna2', fromHex('00000008ff')))).toBe('TTTT');
    expect(formatDna(dnaRecv('dna2', fromHex('00000006fc')))).toBe('TTT');
  });
});

describe('binary round trip and fuzzing (property)', () => {
  const alphabets: Record<DnaKind, string> = { dna2: 'ACGTU', dna4: 'ACGTUMRWSYKVHDBN' };
  const anyValue = fc
    .constantFrom<DnaKind>('dna2', 'dna4')
    .chain((kind) => fc.tuple(fc.constant(kind), fc.string({ unit: fc.constantFrom(...alphabets[kind]), maxLength: 200 })));

  it('packed → binary → packed is the identity', () => {
    fc.assert(
      fc.property(anyValue, ([kind, text]) => {
        const value = parse(kind, text);
        const back = dnaRecv(kind, dnaSend(value));
        expect(back.kind).toBe(kind);
        expect(back.bitLength).toBe(value.bitLength);
        expect(hex(back.data)).toBe(hex(value.data));
        expect(dnaEquals(back, value)).toBe(true);
      }),
    );
  });

  it('random bytes are either accepted and re-sent unchanged, or rejected with 22P02', () => {
    const header = fc.oneof(
      fc.integer({ min: -64, max: 64 }),
      fc.integer({ min: -2147483648, max: 2147483647 }),
    );
    const message = fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      fc.tuple(header, fc.uint8Array({ maxLength: 10 })).map(([bitLength, data]) => {
        const bytes = new Uint8Array(4 + data.length);
        new DataView(bytes.buffer).setInt32(0, bitLength);
        bytes.set(data, 4);
        return bytes;
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom<DnaKind>('dna2', 'dna4'), message, (kind, bytes) => {
        let value;
        try {
          value = dnaRecv(kind, bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(KmerSearchError);
          expect((error as KmerSearchError).code).toBe('22P02');
          return;
        }
        expect(hex(dnaSend(value))).toBe(hex(bytes));
        // An accepted value is exactly what text input of its printed form gives.
        expect(hex(parse(kind, formatDna(value)).data)).toBe(hex(value.data));
      }),
      { numRuns: 2000 },
    );
  });
});
