import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DNA4_LETTERS,
  encodeDnaAsciiInto,
  encodeDnaTextInto,
  formatDna,
  parseDnaAscii,
  parseDnaText,
  type DnaKind,
} from '../../src/dna/index.js';
import { dna2, dna4, hex, thrownError } from './helpers.js';

const DNA2_HINT = 'DNA2 type accepts only A, C, G, T, U characters';
const DNA4_HINT = 'DNA4 type accepts A,C,G,T,U,M,R,W,S,Y,K,V,H,D,B,N characters';

describe('DNA2/DNA4 text input: packing (reference core §1.2)', () => {
  it("packs 'ACGTA' as DNA2: L = 10, bytes 1b 00", () => {
    const value = dna2('ACGTA');
    expect(value.kind).toBe('dna2');
    expect(value.bitLength).toBe(10);
    expect(hex(value.data)).toBe('1b00');
  });

  it("packs 'ACGTA' as DNA4: L = 20, bytes 12 48 10", () => {
    const value = dna4('ACGTA');
    expect(value.bitLength).toBe(20);
    expect(hex(value.data)).toBe('124810');
  });

  it('accepts the empty string as L = 0 with no data bytes', () => {
    for (const kind of ['dna2', 'dna4'] as const) {
      const value = parseDnaText(kind, '');
      expect(value.bitLength).toBe(0);
      expect(value.data.length).toBe(0);
      expect(formatDna(value)).toBe('');
    }
  });

  it('stores U as T and accepts lower case', () => {
    expect(hex(dna2('U').data)).toBe(hex(dna2('T').data));
    expect(hex(dna2('acgtu').data)).toBe(hex(dna2('ACGTT').data));
    expect(formatDna(dna2('acgu'))).toBe('ACGT');
    expect(hex(dna4('u').data)).toBe('80');
    expect(formatDna(dna4('acgtumrwsykvhdbn'))).toBe('ACGTTMRWSYKVHDBN');
  });

  it('encodes every DNA4 letter with its IUPAC mask', () => {
    const expected: Record<string, number> = {
      A: 1, C: 2, M: 3, G: 4, R: 5, S: 6, V: 7, T: 8, W: 9, Y: 10, H: 11, K: 12, D: 13, B: 14, N: 15, U: 8,
    };
    for (const [letter, code] of Object.entries(expected)) {
      const value = dna4(letter);
      expect(value.bitLength).toBe(4);
      expect(value.data[0]).toBe(code << 4);
    }
  });

  it('pads with zero bits, including DNA4 odd lengths ≥ 512 (deviation F8)', () => {
    const long = 'N'.repeat(513);
    const value = dna4(long);
    expect(value.data.length).toBe(257);
    expect(value.data[256]).toBe(0xf0);
    expect(dna2('TTTTT').data[1]).toBe(0xc0);
    expect(dna2('TTTTTTT').data[1]).toBe(0xfc);
  });

  it('packs four DNA2 bases per byte, most significant bits first', () => {
    expect(hex(dna2('ACGTTGCA').data)).toBe('1be4');
    expect(hex(dna2('ACGTTGCAC').data)).toBe('1be440');
  });
});

describe('text input errors (22P02, first offending character)', () => {
  const cases: Array<[DnaKind, string, string]> = [
    ['dna2', 'ACGN', 'N'],
    ['dna2', ' ACGT', ' '],
    ['dna2', 'ACGT ', ' '],
    ['dna2', 'AC\tGT', '\t'],
    ['dna2', 'AC\nGT', '\n'],
    ['dna2', 'ACXGN', 'X'],
    ['dna2', 'ACGTACGTACGT?', '?'],
    ['dna2', '1', '1'],
    ['dna2', 'AAAAAAAA-', '-'],
    ['dna4', 'ACGX', 'X'],
    ['dna4', 'NNNN?', '?'],
    ['dna4', 'acgtz', 'z'],
    ['dna4', 'AC GT', ' '],
    ['dna4', 'E', 'E'],
    ['dna4', 'ACGTN0', '0'],
  ];
  for (const [kind, text, reported] of cases) {
    it(`${kind} ${JSON.stringify(text)} reports ${JSON.stringify(reported)}`, () => {
      const error = thrownError(() => parseDnaText(kind, text));
      const typeName = kind === 'dna2' ? 'DNA2' : 'DNA4';
      expect(error.code).toBe('22P02');
      expect(error.message).toBe(`invalid character '${reported}' for ${typeName} type`);
      expect(error.hint).toBe(kind === 'dna2' ? DNA2_HINT : DNA4_HINT);
      expect(error.detail).toBeUndefined();
    });
  }

  it('reports a non-ASCII character as U+FFFD, as a UTF-8 client shows the reference\'s lone lead byte', () => {
    expect(thrownError(() => dna2('ACGé')).message).toBe("invalid character '\uFFFD' for DNA2 type");
    expect(thrownError(() => dna4('ＡCGT')).message).toBe("invalid character '\uFFFD' for DNA4 type");
    expect(thrownError(() => dna2('AC🧬')).message).toBe("invalid character '\uFFFD' for DNA2 type");
  });

  it('reports the first offending character, even after a non-ASCII one is further right', () => {
    expect(thrownError(() => dna2('ACXé')).message).toBe("invalid character 'X' for DNA2 type");
    expect(thrownError(() => dna2('ACéX')).message).toBe("invalid character '\uFFFD' for DNA2 type");
  });

  it('rejects NUL instead of truncating at it', () => {
    expect(thrownError(() => dna2('AC\0GT')).message).toBe("invalid character '\0' for DNA2 type");
  });

  it('rejects every ASCII character outside each alphabet and accepts every one inside', () => {
    const dna2Letters = new Set('ACGTUacgtu');
    const dna4Letters = new Set('ACGTUMRWSYKVHDBNacgtumrwsykvhdbn');
    for (let code = 0; code < 128; code++) {
      const character = String.fromCharCode(code);
      for (const [kind, letters] of [['dna2', dna2Letters], ['dna4', dna4Letters]] as const) {
        if (letters.has(character)) {
          expect(parseDnaText(kind, `AC${character}`).bitLength).toBeGreaterThan(0);
        } else {
          expect(thrownError(() => parseDnaText(kind, `AC${character}`)).code).toBe('22P02');
        }
      }
    }
  });
});

describe('byte input and packing into a caller buffer', () => {
  it('parses ASCII bytes like text, reporting bytes ≥ 128 as U+FFFD', () => {
    const bytes = new TextEncoder().encode('xxACGTAyy');
    expect(hex(parseDnaAscii('dna2', bytes, 2, 7).data)).toBe('1b00');
    expect(hex(parseDnaAscii('dna4', bytes, 2, 7).data)).toBe('124810');
    const error = thrownError(() => parseDnaAscii('dna2', new TextEncoder().encode('ACé')));
    expect(error.message).toBe("invalid character '\uFFFD' for DNA2 type");
    expect(thrownError(() => parseDnaAscii('dna4', new TextEncoder().encode('AC-'))).message).toBe(
      "invalid character '-' for DNA4 type",
    );
  });

  it('writes exactly ceil(L/8) bytes at the offset and returns L', () => {
    const target = new Uint8Array(6).fill(0xee);
    expect(encodeDnaTextInto('dna2', 'ACGTA', target, 2)).toBe(10);
    expect(hex(target)).toBe('eeee1b00eeee');
    const fromBytes = new Uint8Array(5).fill(0xee);
    expect(encodeDnaAsciiInto('dna4', new TextEncoder().encode('ACGTA'), 0, 5, fromBytes, 1)).toBe(20);
    expect(hex(fromBytes)).toBe('ee124810ee');
  });

  it('refuses a target that is too small', () => {
    expect(thrownError(() => encodeDnaTextInto('dna2', 'ACGTA', new Uint8Array(1), 0)).code).toBe('XX000');
  });
});

describe('text output (reference core §1.3)', () => {
  it('prints upper case and reads only the first n bases', () => {
    expect(formatDna(dna2('acgta'))).toBe('ACGTA');
    expect(formatDna({ kind: 'dna2', bitLength: 2, data: Uint8Array.of(0xff) })).toBe('T');
    expect(formatDna({ kind: 'dna4', bitLength: 4, data: Uint8Array.of(0x1f) })).toBe('A');
  });

  it('prints all DNA4 codes, ? for code 0', () => {
    const data = Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef);
    expect(formatDna({ kind: 'dna4', bitLength: 64, data })).toBe(DNA4_LETTERS);
    expect(DNA4_LETTERS).toBe('?ACMGRSVTWYHKDBN');
  });

  it('prints long values (the Buffer path) like short ones', () => {
    const text = 'ACGT'.repeat(40) + 'GA';
    expect(formatDna(dna2(text))).toBe(text);
    expect(formatDna(dna4(text + 'N'))).toBe(text + 'N');
  });

  it('raises the reference XX000 errors for bad bit lengths', () => {
    const negative = thrownError(() => formatDna({ kind: 'dna2', bitLength: -8, data: new Uint8Array(0) }));
    expect([negative.code, negative.message]).toEqual(['XX000', 'invalid bit length: -8']);
    const odd = thrownError(() => formatDna({ kind: 'dna2', bitLength: 3, data: new Uint8Array(1) }));
    expect([odd.code, odd.message]).toEqual(['XX000', 'bit length must be even for DNA2']);
    const dna4Odd = thrownError(() => formatDna({ kind: 'dna4', bitLength: 6, data: new Uint8Array(1) }));
    expect([dna4Odd.code, dna4Odd.message]).toEqual(['XX000', 'bit length must be multiple of 4 for DNA4']);
    expect(thrownError(() => formatDna({ kind: 'dna2', bitLength: 16, data: new Uint8Array(1) })).code).toBe('XX000');
  });
});

describe('text round trip (property)', () => {
  const dna2Text = fc.string({ unit: fc.constantFrom(...'ACGTUacgtu'), maxLength: 300 });
  const dna4Text = fc.string({ unit: fc.constantFrom(...'ACGTUMRWSYKVHDBNacgtumrwsykvhdbn'), maxLength: 300 });
  const canonical = (text: string): string => text.toUpperCase().replaceAll('U', 'T');

  it('DNA2: text → packed → text gives the upper-case text with U as T', () => {
    fc.assert(
      fc.property(dna2Text, (text) => {
        const value = dna2(text);
        expect(value.bitLength).toBe(2 * text.length);
        expect(value.data.length).toBe(Math.ceil(text.length / 4));
        expect(formatDna(value)).toBe(canonical(text));
        expect(formatDna(dna2(formatDna(value)))).toBe(formatDna(value));
      }),
    );
  });

  it('DNA4: text → packed → text gives the upper-case text with U as T', () => {
    fc.assert(
      fc.property(dna4Text, (text) => {
        const value = dna4(text);
        expect(value.bitLength).toBe(4 * text.length);
        expect(value.data.length).toBe(Math.ceil(text.length / 2));
        expect(formatDna(value)).toBe(canonical(text));
      }),
    );
  });

  it('string and byte inputs agree, and an inserted foreign character is reported', () => {
    fc.assert(
      fc.property(
        dna4Text,
        fc.constantFrom<DnaKind>('dna2', 'dna4'),
        fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.string({ minLength: 1, maxLength: 1 })),
        fc.nat(),
        (text, kind, intruder, where) => {
          const base = kind === 'dna2' ? text.replace(/[^ACGTUacgtu]/g, 'A') : text;
          expect(hex(parseDnaAscii(kind, new TextEncoder().encode(base)).data)).toBe(hex(parseDnaText(kind, base).data));
          const accepted = kind === 'dna2' ? /^[ACGTUacgtu]$/ : /^[ACGTUMRWSYKVHDBNacgtumrwsykvhdbn]$/;
          if (accepted.test(intruder)) return;
          const position = where % (base.length + 1);
          const broken = base.slice(0, position) + intruder + base.slice(position);
          const code = intruder.charCodeAt(0);
          const shown = code < 128 ? intruder : '\uFFFD';
          expect(thrownError(() => parseDnaText(kind, broken)).message).toBe(
            `invalid character '${shown}' for ${kind.toUpperCase()} type`,
          );
        },
      ),
    );
  });
});
