import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDnaText } from '../../src/dna/index.js';
import {
  NULL_GROUPING_KEY,
  Numeric,
  type RecordValue,
  type SqlType,
  type SqlValue,
  compareText,
  compareValues,
  formatValue,
  groupingKey,
  recordType,
  sqlTypes,
  valuesEqual,
} from '../../src/sql/types.js';

const t = sqlTypes;

function sorted(values: readonly SqlValue[], type: SqlType): string[] {
  return [...values].sort((left, right) => compareValues(left, right, type)).map((value) => formatValue(value, type));
}

describe('orders of the types', () => {
  it('text compares by code point, as COLLATE "C"', () => {
    expect(sorted(['b', 'B', 'a', '', 'ab', 'é', 'Z'], t.text)).toEqual(['', 'B', 'Z', 'a', 'ab', 'b', 'é']);
    // UTF-16 order would put U+10000 (a surrogate pair) before U+E000; code point order does not.
    expect(compareText('\u{10000}', '\uE000')).toBe(1);
    expect(compareText('\uE000', '\u{10000}')).toBe(-1);
    expect(compareText('\u{10000}', '\u{10001}')).toBe(-1);
    expect(compareText('\uFFFF', '\u{10000}')).toBe(-1);
  });

  it('floats: −0 = 0, NaN equals NaN and sorts above Infinity', () => {
    expect(sorted([NaN, 1, -Infinity, Infinity, 0, -1], t.float8)).toEqual(['-Infinity', '-1', '0', '1', 'Infinity', 'NaN']);
    expect(valuesEqual(-0, 0, t.float8)).toBe(true);
    expect(valuesEqual(NaN, NaN, t.float4)).toBe(true);
    expect(groupingKey(-0, t.float8)).toBe(groupingKey(0, t.float8));
  });

  it('integers mix int4 and int8 values directly', () => {
    expect(compareValues(2147483647, 2147483648n, t.int8)).toBe(-1);
    expect(compareValues(5n, 5, t.int8)).toBe(0);
    expect(groupingKey(5, t.int4)).toBe(groupingKey(5n, t.int8));
  });

  it('numeric: scale does not matter; −Infinity < numbers < Infinity < NaN', () => {
    const values = ['NaN', '1.50', '-Infinity', 'Infinity', '1.5', '-2'].map((text) => Numeric.parse(text));
    expect(sorted(values, t.numeric)).toEqual(['-Infinity', '-2', '1.50', '1.5', 'Infinity', 'NaN']);
    expect(groupingKey(Numeric.parse('1.50'), t.numeric)).toBe(groupingKey(Numeric.parse('1.5'), t.numeric));
  });

  it('bool, bytea, timestamptz', () => {
    expect(sorted([true, false], t.bool)).toEqual(['f', 't']);
    expect(sorted([new Uint8Array([1, 2]), new Uint8Array([1]), new Uint8Array([0, 9])], t.bytea)).toEqual([
      '\\x0009',
      '\\x01',
      '\\x0102',
    ]);
    expect(compareValues(new Date(1), new Date(2), t.timestamptz)).toBe(-1);
  });

  it('dna sorts shorter first, then by bytes (reference core §1.6)', () => {
    const values = ['AAA', 'GG', '', 'CA', 'T'].map((bases) => parseDnaText('dna2', bases));
    expect(sorted(values, t.dna2)).toEqual(['', 'T', 'CA', 'GG', 'AAA']);
  });

  it('records compare field by field, NULL after non-NULL', () => {
    const type = recordType([{ name: 'a', type: t.int4 }, { name: 'b', type: t.text }]);
    const record = (a: SqlValue, b: SqlValue): RecordValue => ({ fields: type.fields ?? [], values: [a, b] });
    expect(sorted([record(2, 'a'), record(1, null), record(1, 'z'), record(null, 'a')], type)).toEqual([
      '(1,z)',
      '(1,)',
      '(2,a)',
      '(,a)',
    ]);
    expect(groupingKey(record(1, null), type)).not.toBe(groupingKey(record(1, 'null'), type));
  });

  it('NULL has its own grouping key', () => {
    expect(groupingKey(null, t.text)).toBe(NULL_GROUPING_KEY);
    expect(groupingKey('N', t.text)).not.toBe(NULL_GROUPING_KEY);
  });
});

const orderedArbitraries: readonly (readonly [SqlType, fc.Arbitrary<SqlValue>])[] = [
  [t.int8, fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer())],
  [t.float8, fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, 1, -1))],
  [
    t.numeric,
    fc.oneof(
      fc
        .tuple(fc.bigInt({ min: -1000n, max: 1000n }), fc.integer({ min: 0, max: 3 }))
        .map(([digits, scale]) => Numeric.of(digits, scale)),
      fc.constantFrom(Numeric.NaN, Numeric.Infinity, Numeric.NegativeInfinity),
    ),
  ],
  [t.text, fc.string({ unit: 'binary', maxLength: 4 })],
  [t.bool, fc.boolean()],
  [t.bytea, fc.uint8Array({ maxLength: 3, max: 3 })],
  [t.timestamptz, fc.integer({ min: -1000, max: 1000 }).map((time) => new Date(time))],
  [t.dna2, fc.array(fc.constantFrom('A', 'C', 'G', 'T'), { maxLength: 5 }).map((bases) => parseDnaText('dna2', bases.join('')))],
  [t.dna4, fc.array(fc.constantFrom('A', 'N', 'R', 'T'), { maxLength: 4 }).map((bases) => parseDnaText('dna4', bases.join('')))],
  [
    recordType([{ name: 'a', type: t.int4 }, { name: 'b', type: t.float8 }]),
    fc
      .tuple(fc.option(fc.integer({ min: -2, max: 2 })), fc.option(fc.constantFrom(0, -0, NaN, 1.5)))
      .map((values): RecordValue => ({ fields: [{ name: 'a', type: t.int4 }, { name: 'b', type: t.float8 }], values })),
  ],
];

describe('comparison is a total order consistent with the grouping key', () => {
  for (const [type, arbitrary] of orderedArbitraries) {
    it(type.formatName, () => {
      fc.assert(
        fc.property(arbitrary, arbitrary, arbitrary, (a, b, c) => {
          const ab = compareValues(a, b, type);
          expect(compareValues(b, a, type)).toBe(-ab || 0);
          expect(compareValues(a, a, type)).toBe(0);
          expect(ab === 0).toBe(groupingKey(a, type) === groupingKey(b, type));
          if (ab <= 0 && compareValues(b, c, type) <= 0) expect(compareValues(a, c, type)).toBeLessThanOrEqual(0);
        }),
        { numRuns: 500 },
      );
    });
  }
});
