import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DnaValue } from '../../src/dna/types.js';
import {
  ColumnTypes,
  checkColumnValue,
  decodeBlockCell,
  decodeBlockColumn,
  decodeValue,
  defaultValueFormatter,
  encodeBlock,
  encodeKeyTuple,
  encodeValue,
  formatColumnType,
  formatFloat,
  rawDnaValue,
  readBlockHeader,
  readRawDnaColumn,
  resolveTypeName,
  varcharType,
  type ColumnType,
  type ColumnValue,
} from '../../src/storage/index.js';
import { dna2 } from './helpers.js';

function dnaArbitrary(kind: 'dna2' | 'dna4'): fc.Arbitrary<DnaValue> {
  const bitsPerBase = kind === 'dna2' ? 2 : 4;
  return fc.integer({ min: 0, max: 300 }).chain((bases) => {
    const bitLength = bases * bitsPerBase;
    return fc.uint8Array({ minLength: Math.ceil(bitLength / 8), maxLength: Math.ceil(bitLength / 8) }).map((data) => {
      // Padding bits are zero in valid values (deviation F8).
      if (bitLength % 8 !== 0 && data.length > 0) {
        data[data.length - 1] = (data[data.length - 1] ?? 0) & (0xff << (8 - (bitLength % 8)));
      }
      return { kind, bitLength, data };
    });
  });
}

const validDate = fc.date({ min: new Date(-8.64e15 + 1), max: new Date(8.64e15 - 1), noInvalidDate: true });

/** Every storage type with an arbitrary of its non-null values. */
const typedValues: readonly [ColumnType, fc.Arbitrary<Exclude<ColumnValue, null>>][] = [
  [ColumnTypes.bool, fc.boolean()],
  [ColumnTypes.int2, fc.integer({ min: -32768, max: 32767 })],
  [ColumnTypes.int4, fc.integer({ min: -2147483648, max: 2147483647 })],
  [ColumnTypes.int8, fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n })],
  [ColumnTypes.float4, fc.float()],
  [ColumnTypes.float8, fc.double()],
  [ColumnTypes.text, fc.string({ unit: 'grapheme' }).filter((text) => !text.includes('\0'))],
  [varcharType(50), fc.string({ unit: 'grapheme-ascii', maxLength: 50 }).filter((text) => !text.includes('\0'))],
  [ColumnTypes.bytea, fc.uint8Array({ maxLength: 200 })],
  [ColumnTypes.timestamptz, validDate],
  [ColumnTypes.dna2, dnaArbitrary('dna2')],
  [ColumnTypes.dna4, dnaArbitrary('dna4')],
];

/** Equality that treats NaN as NaN, -0 as -0, and compares dates/bytes/DNA by content. */
function sameValue(left: ColumnValue, right: ColumnValue): boolean {
  if (left instanceof Date && right instanceof Date) return left.getTime() === right.getTime();
  if (left instanceof Uint8Array && right instanceof Uint8Array) return Buffer.compare(left, right) === 0;
  if (typeof left === 'object' && left !== null && typeof right === 'object' && right !== null && 'kind' in left && 'kind' in right) {
    return left.kind === right.kind && left.bitLength === right.bitLength && Buffer.compare(left.data, right.data) === 0;
  }
  return Object.is(left, right);
}

describe('single-value codec', () => {
  for (const [type, arbitrary] of typedValues) {
    it(`round-trips ${formatColumnType(type)}`, () => {
      fc.assert(
        fc.property(arbitrary, (value) => {
          checkColumnValue(type, value);
          expect(sameValue(decodeValue(type, encodeValue(type, value)), value)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('keeps int8 extremes, float specials and astral text exact', () => {
    const cases: [ColumnType, Exclude<ColumnValue, null>][] = [
      [ColumnTypes.int8, -(1n << 63n)],
      [ColumnTypes.int8, (1n << 63n) - 1n],
      [ColumnTypes.float8, Number.NaN],
      [ColumnTypes.float8, Number.POSITIVE_INFINITY],
      [ColumnTypes.float8, Number.NEGATIVE_INFINITY],
      [ColumnTypes.float8, -0],
      [ColumnTypes.float4, Number.NaN],
      [ColumnTypes.float4, Number.NEGATIVE_INFINITY],
      [ColumnTypes.text, 'naïve 🧬 日本語 \u{1F600}'],
      [ColumnTypes.dna2, dna2('')],
    ];
    for (const [type, value] of cases) expect(sameValue(decodeValue(type, encodeValue(type, value)), value)).toBe(true);
  });
});

describe('block codec', () => {
  const rowArbitrary = fc.tuple(...typedValues.map(([, arbitrary]) => fc.option(arbitrary, { nil: null })));
  const types = typedValues.map(([type]) => type);

  it('round-trips every column of blocks with NULLs, and single cells', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary, { maxLength: 40 }), (rows) => {
        const columns = types.map((_, column) => rows.map((row) => row[column] ?? null));
        const block = encodeBlock(
          types.map((type) => type.name),
          columns,
          rows.length,
        );
        expect(readBlockHeader(block)).toMatchObject({ columnCount: types.length, rowCount: rows.length });
        types.forEach((_, column) => {
          const decoded = decodeBlockColumn(block, column);
          expect(decoded).toHaveLength(rows.length);
          decoded.forEach((value, row) => expect(sameValue(value, columns[column]?.[row] ?? null)).toBe(true));
        });
        if (rows.length > 0) {
          const row = rows.length - 1;
          types.forEach((_, column) =>
            expect(sameValue(decodeBlockCell(block, column, row), columns[column]?.[row] ?? null)).toBe(true),
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gives raw DNA values as views of the block bytes', () => {
    const values = [dna2('ACGTACGTA'), null, dna2(''), dna2('TTTT')];
    const block = encodeBlock(['int4', 'dna2'], [[1, 2, 3, 4], values], values.length);
    const raw = readRawDnaColumn(block, 1);
    expect(raw.rowCount).toBe(4);
    expect(rawDnaValue(raw, 1)).toBeNull();
    values.forEach((value, row) => {
      const decoded = rawDnaValue(raw, row);
      if (value === null) return;
      expect(decoded?.bitLength).toBe(value.bitLength);
      expect(Buffer.compare(decoded?.data ?? new Uint8Array(), value.data)).toBe(0);
      expect(decoded?.data.buffer).toBe(block.buffer);
    });
    // The stored record is the reference's binary layout: 4-byte big-endian bit length, then the bytes.
    const start = raw.starts[0] ?? 0;
    expect([...block.subarray(start, start + 4)]).toEqual([0, 0, 0, 18]);
  });

  it('decodes only a prefix of rows when asked (published rows of a partly filled block)', () => {
    const block = encodeBlock(['text'], [['a', 'b', 'c']], 3);
    expect(decodeBlockColumn(block, 0, 2)).toEqual(['a', 'b']);
  });
});

describe('value checks and key encoding', () => {
  it('rejects out-of-range integers with PostgreSQL texts', () => {
    expect(() => checkColumnValue(ColumnTypes.int4, 2147483648)).toThrow('integer out of range');
    expect(() => checkColumnValue(ColumnTypes.int2, -32769)).toThrow('smallint out of range');
    expect(() => checkColumnValue(ColumnTypes.int8, 1n << 63n)).toThrow('bigint out of range');
    expect(() => checkColumnValue(varcharType(3), 'abcd')).toThrow('value too long for type character varying(3)');
    expect(() => checkColumnValue(varcharType(3), '🧬🧬🧬')).not.toThrow();
    expect(() => checkColumnValue(ColumnTypes.text, 'a\uD800b')).toThrow('invalid byte sequence for encoding "UTF8"');
    expect(() => checkColumnValue(ColumnTypes.int4, 1.5)).toThrow();
    expect(() => checkColumnValue(ColumnTypes.dna2, { kind: 'dna4', bitLength: 4, data: new Uint8Array(1) })).toThrow();
  });

  it('encodes equal values equally (-0 = 0, NaN = NaN) and distinct tuples distinctly', () => {
    const float = [ColumnTypes.float8];
    expect(encodeKeyTuple(float, [-0])).toEqual(encodeKeyTuple(float, [0]));
    expect(encodeKeyTuple(float, [Number.NaN])).toEqual(encodeKeyTuple(float, [0 / 0]));
    const pair = [ColumnTypes.text, ColumnTypes.text];
    expect(encodeKeyTuple(pair, ['ab', 'c'])).not.toEqual(encodeKeyTuple(pair, ['a', 'bc']));
  });

  it('resolves SQL type names', () => {
    expect(resolveTypeName('INTEGER')).toEqual({ type: ColumnTypes.int4, serial: null });
    expect(resolveTypeName('double   precision')?.type).toBe(ColumnTypes.float8);
    expect(resolveTypeName('bigserial')).toEqual({ type: ColumnTypes.int8, serial: 'bigserial' });
    expect(resolveTypeName('varchar', 10)?.type).toEqual({ name: 'varchar', maxLength: 10 });
    expect(resolveTypeName('geometry')).toBeUndefined();
    expect(formatColumnType(varcharType(10))).toBe('character varying(10)');
    expect(formatColumnType(ColumnTypes.timestamptz)).toBe('timestamp with time zone');
  });

  it('formats values like PostgreSQL output functions', () => {
    expect(formatFloat(0.1, false)).toBe('0.1');
    expect(formatFloat(1e20, false)).toBe('1e+20');
    expect(formatFloat(1e-5, false)).toBe('1e-05');
    expect(formatFloat(123456789012345, false)).toBe('123456789012345');
    expect(formatFloat(Math.fround(0.1), true)).toBe('0.1');
    expect(formatFloat(1e6, true)).toBe('1e+06');
    expect(formatFloat(Number.NEGATIVE_INFINITY, false)).toBe('-Infinity');
    expect(defaultValueFormatter(ColumnTypes.bool, true)).toBe('t');
    expect(defaultValueFormatter(ColumnTypes.bytea, new Uint8Array([1, 171]))).toBe('\\x01ab');
    expect(defaultValueFormatter(ColumnTypes.dna2, dna2('ACGTTG'))).toBe('ACGTTG');
    expect(defaultValueFormatter(ColumnTypes.timestamptz, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600)))).toBe(
      '2024-01-02 03:04:05.6+00',
    );
  });
});
