/**
 * Hostile input, DNA text (docs/reliability.md, "Hostile input"): any JavaScript string — lone surrogates, NUL,
 * astral characters, mixed case, long runs — and any bytes give a value or the reference's 22P02 error for the
 * first character outside the alphabet, checked against a plain oracle. Binary input (dnaRecv) is fuzzed in
 * binary.test.ts ("random bytes are either accepted … or rejected with 22P02"); the same inputs through SQL casts
 * and functions are test/sql/fuzz-dna-functions.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { type DnaKind, formatDna, parseDnaAscii, parseDnaText } from '../../src/dna/index.js';
import { fuzzParameters } from '../fuzz-options.js';

const alphabets: Readonly<Record<DnaKind, string>> = { dna2: 'ACGTU', dna4: 'ACGTUMRWSYKVHDBN' };
const hints: Readonly<Record<DnaKind, string>> = {
  dna2: 'DNA2 type accepts only A, C, G, T, U characters',
  dna4: 'DNA4 type accepts A,C,G,T,U,M,R,W,S,Y,K,V,H,D,B,N characters',
};

/** The oracle: the first UTF-16 unit outside the alphabet (case-insensitive), or -1. */
function firstForeign(kind: DnaKind, units: ArrayLike<number>): number {
  const alphabet = alphabets[kind];
  for (let index = 0; index < units.length; index++) {
    const unit = units[index] as number;
    if (unit >= 128 || !alphabet.includes(String.fromCharCode(unit).toUpperCase())) return index;
  }
  return -1;
}

function expectOracle(kind: DnaKind, units: ArrayLike<number>, parse: () => ReturnType<typeof parseDnaText>, text: string): void {
  const foreign = firstForeign(kind, units);
  let value;
  try {
    value = parse();
  } catch (error) {
    if (!(error instanceof KmerSearchError)) throw error;
    expect(foreign).toBeGreaterThanOrEqual(0);
    const unit = units[foreign] as number;
    expect({ code: error.code, message: error.message, hint: error.hint }).toEqual({
      code: '22P02',
      message: `invalid character '${unit < 128 ? String.fromCharCode(unit) : '\uFFFD'}' for ${kind.toUpperCase()} type`,
      hint: hints[kind],
    });
    return;
  }
  expect(foreign).toBe(-1);
  expect(formatDna(value)).toBe(text.toUpperCase().replaceAll('U', 'T'));
}

const kind = fc.constantFrom<DnaKind>('dna2', 'dna4');
/** Mostly DNA, with now and then anything a JavaScript string can hold. */
const hostileText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ACGTUacgtuNnMRWSYKVHDB'.split('')), maxLength: 300 }),
  fc.string({ unit: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...'ACGTacgt'.split('')) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }), maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\0', 'ACGT\0', '\uD800', 'AC\uDC00GT', 'ACGT\u{1F9EC}', '\uFEFFACGT', 'ACGT ', ' ACGT', 'AC\r\nGT', 'Ａ'),
);

describe('DNA text input never fails but with the reference 22P02', () => {
  it('any string parses or fails at its first foreign character, with the reference text and hint', () => {
    fc.assert(
      fc.property(kind, hostileText, (which, text) => {
        const units = Array.from({ length: text.length }, (_, index) => text.charCodeAt(index));
        expectOracle(which, units, () => parseDnaText(which, text), text);
      }),
      fuzzParameters(3000, 11),
    );
  });

  it('any bytes (a FASTA line) parse or fail the same way, bytes ≥ 128 reported as U+FFFD', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      hostileText.map((text) => new Uint8Array(Buffer.from(text, 'latin1'))),
    );
    fc.assert(
      fc.property(kind, bytes, fc.nat(), fc.nat(), (which, source, from, length) => {
        const start = from % (source.length + 1);
        const end = start + (length % (source.length - start + 1));
        const window = source.subarray(start, end);
        expectOracle(which, window, () => parseDnaAscii(which, source, start, end), Buffer.from(window).toString('latin1'));
      }),
      fuzzParameters(3000, 12),
    );
  });

  it('a million-base string parses in one piece', () => {
    const text = 'ACGT'.repeat(250_000);
    expect(formatDna(parseDnaText('dna2', text))).toBe(text);
    expect(() => parseDnaText('dna4', `${text}!`)).toThrow("invalid character '!' for DNA4 type");
  });
});
