import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDnaText } from '../../src/dna/index.js';
import {
  Numeric,
  type RecordValue,
  type RelationCatalog,
  type SqlType,
  type SqlValue,
  formatValue,
  groupingKey,
  numericType,
  parseBaseValue,
  parseBool,
  parseBytea,
  parseQualifiedName,
  parseRecord,
  parseTimestamptz,
  parseValue,
  quoteIdentifier,
  recordType,
  sqlTypes,
  varcharType,
} from '../../src/sql/types.js';
import { expectError, thrownError } from './types-helpers.js';

const t = sqlTypes;

const catalog: RelationCatalog = {
  relationId: (name, schema) =>
    schema !== undefined && schema !== 'public' ? undefined : ({ sequences: 16390, Mixed: 16391, select: 16392 } as Record<string, number>)[name],
  relationName: (id) => ({ 16390: 'sequences', 16391: 'Mixed', 16392: 'select' } as Record<number, string>)[id],
};

describe('text output of every type', () => {
  const cases: readonly (readonly [SqlValue, SqlType, string])[] = [
    ['abc', t.text, 'abc'],
    ['', t.varchar, ''],
    ['lit', t.unknown, 'lit'],
    [true, t.bool, 't'],
    [false, t.bool, 'f'],
    [-32768, t.int2, '-32768'],
    [2147483647, t.int4, '2147483647'],
    [-(2n ** 63n), t.int8, '-9223372036854775808'],
    [0.1, t.float8, '0.1'],
    [Math.fround(0.25), t.float4, '0.25'],
    [Numeric.parse('2.5000000000000000'), t.numeric, '2.5000000000000000'],
    [new Uint8Array([0x0a, 0x1b]), t.bytea, '\\x0a1b'],
    [new Uint8Array([]), t.bytea, '\\x'],
    [new Date(Date.UTC(2026, 10, 22, 10, 0, 0, 123)), t.timestamptz, '2026-11-22 10:00:00.123+00'],
    [new Date(Date.UTC(2026, 10, 22, 10, 0, 0, 100)), t.timestamptz, '2026-11-22 10:00:00.1+00'],
    [new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), t.timestamptz, '2026-01-02 03:04:05+00'],
    [parseDnaText('dna2', 'acgu'), t.dna2, 'ACGT'],
    [parseDnaText('dna4', 'ACGTN'), t.dna4, 'ACGTN'],
    [4294967295, t.oid, '4294967295'],
    [null, t.void, ''],
  ];
  for (const [value, type, output] of cases) {
    it(`${type.typeName} prints ${JSON.stringify(output)}`, () => expect(formatValue(value, type)).toBe(output));
  }

  it('prints BC years as PostgreSQL does', () => {
    const date = new Date(0);
    date.setUTCFullYear(-43, 2, 15);
    expect(formatValue(date, t.timestamptz)).toBe('0044-03-15 00:00:00+00 BC');
  });

  it('prints regclass through the catalog, quoting as quote_identifier does', () => {
    expect(formatValue(16390, t.regclass, { relations: catalog })).toBe('sequences');
    expect(formatValue(16391, t.regclass, { relations: catalog })).toBe('"Mixed"');
    expect(formatValue(16392, t.regclass, { relations: catalog })).toBe('"select"');
    expect(formatValue(99999, t.regclass, { relations: catalog })).toBe('99999');
    expect(formatValue(0, t.regclass)).toBe('-');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteIdentifier('name')).toBe('name');
  });

  it('prints composites with record_out quoting', () => {
    const type = recordType([
      { name: 'a', type: t.int8 },
      { name: 'b', type: t.text },
      { name: 'c', type: t.float4 },
      { name: 'd', type: t.int4 },
      { name: 'e', type: t.text },
    ]);
    const record = (values: SqlValue[]): RecordValue => ({ fields: type.fields ?? [], values });
    expect(formatValue(record([14n, 'x', Math.fround(0.25), 3, 'y']), type)).toBe('(14,x,0.25,3,y)');
    expect(formatValue(record([0n, 'a,b', 1, null, '']), type)).toBe('(0,"a,b",1,,"")');
    expect(formatValue(record([0n, 'say "hi"\\', 1, 2, 'a b']), type)).toBe('(0,"say ""hi""\\\\",1,2,"a b")');
    expect(formatValue(record([0n, '(x)', 1, 2, 'tab\there']), type)).toBe('(0,"(x)",1,2,"tab\there")');
  });

  it('refuses a value of the wrong representation with an internal error', () => {
    expect(thrownError(() => formatValue('1', t.int4)).code).toBe('XX000');
    expect(thrownError(() => formatValue(parseDnaText('dna4', 'A'), t.dna2)).code).toBe('XX000');
  });
});

describe('integer input (pg_strtoint16/32/64)', () => {
  it('trims whitespace and takes a sign', () => {
    expect(parseValue('  42  ', t.int4)).toBe(42);
    expect(parseValue('+7', t.int2)).toBe(7);
    expect(parseValue('-2147483648', t.int4)).toBe(-2147483648);
    expect(parseValue('-9223372036854775808', t.int8)).toBe(-(2n ** 63n));
    expect(parseValue('007', t.int8)).toBe(7n);
  });

  it('raises 22P02 for bad syntax and 22003 for values out of range', () => {
    for (const input of ['', ' ', 'abc', '1.5', '1e3', '- 1', '12a', '0x1F', '1_000']) {
      expectError(() => parseValue(input, t.int4), '22P02', `invalid input syntax for type integer: "${input}"`);
    }
    expectError(() => parseValue('x', t.int2), '22P02', 'invalid input syntax for type smallint: "x"');
    expectError(() => parseValue('x', t.int8), '22P02', 'invalid input syntax for type bigint: "x"');
    expectError(() => parseValue('2147483648', t.int4), '22003', 'value "2147483648" is out of range for type integer');
    expectError(() => parseValue('-32769', t.int2), '22003', 'value "-32769" is out of range for type smallint');
    expectError(
      () => parseValue('9223372036854775808', t.int8),
      '22003',
      'value "9223372036854775808" is out of range for type bigint',
    );
    // The range is checked digit by digit, before trailing junk is seen.
    expectError(() => parseValue('99999999999x', t.int4), '22003', 'value "99999999999x" is out of range for type integer');
  });
});

describe('boolean input (boolin / parse_bool)', () => {
  it('accepts prefixes of true/false/yes/no, on/off and 1/0, in any case, trimmed', () => {
    const accepted: readonly (readonly [string, boolean])[] = [
      ['t', true], ['TRUE', true], ['tr', true], ['y', true], ['yes', true], ['on', true], ['1', true],
      ['f', false], ['False', false], ['n', false], ['no', false], ['of', false], ['off', false], ['0', false],
      ['  true  ', true], ['\toff\n', false],
    ];
    for (const [input, value] of accepted) expect([input, parseBool(input)]).toEqual([input, value]);
  });

  it('rejects the rest with 22P02', () => {
    for (const input of ['', 'o', 'truex', 'yess', '2', '01', 'onn', 'of f', 'nope']) {
      expectError(() => parseBool(input), '22P02', `invalid input syntax for type boolean: "${input}"`);
    }
  });
});

describe('bytea input (byteain)', () => {
  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
  it('reads hex with whitespace between bytes', () => {
    expect(hex(parseBytea('\\x0A1b'))).toBe('0a1b');
    expect(hex(parseBytea('\\x 0a 1b\n'))).toBe('0a1b');
    expect(hex(parseBytea('\\x'))).toBe('');
  });

  it('reads the escape format as UTF-8 bytes', () => {
    expect(hex(parseBytea('abc'))).toBe('616263');
    expect(hex(parseBytea('a\\\\b'))).toBe('615c62');
    expect(hex(parseBytea('\\001\\377'))).toBe('01ff');
    expect(hex(parseBytea('é'))).toBe('c3a9');
  });

  it('raises PostgreSQL errors for bad input', () => {
    expectError(() => parseBytea('\\x0g'), '22023', 'invalid hexadecimal digit: "g"');
    expectError(() => parseBytea('\\x0 a'), '22023', 'invalid hexadecimal digit: " "');
    expectError(() => parseBytea('\\x0a1'), '22023', 'invalid hexadecimal data: odd number of digits');
    expectError(() => parseBytea('\\q'), '22P02', 'invalid input syntax for type bytea');
    expectError(() => parseBytea('\\400'), '22P02', 'invalid input syntax for type bytea');
  });
});

describe('timestamptz input', () => {
  const iso = (text: string): string => parseTimestamptz(text).toISOString();
  it('reads ISO and MDY forms, zones and eras', () => {
    expect(iso('2026-11-22')).toBe('2026-11-22T00:00:00.000Z');
    expect(iso('2026-11-22 10:00:00+02')).toBe('2026-11-22T08:00:00.000Z');
    expect(iso('2026-11-22T10:00:00Z')).toBe('2026-11-22T10:00:00.000Z');
    expect(iso(' 2026-11-22 10:00 ')).toBe('2026-11-22T10:00:00.000Z');
    expect(iso('2026-11-22 10:00:00.1234 -05:30')).toBe('2026-11-22T15:30:00.123Z');
    expect(iso('2026-11-22 10:00:00.0005 UTC')).toBe('2026-11-22T10:00:00.001Z');
    expect(iso('11/22/2026 23:59:59')).toBe('2026-11-22T23:59:59.000Z');
    expect(iso('2024-02-29 24:00:00')).toBe('2024-03-01T00:00:00.000Z');
    expect(formatValue(parseTimestamptz('0044-03-15 BC'), t.timestamptz)).toBe('0044-03-15 00:00:00+00 BC');
    expect(iso('epoch')).toBe('1970-01-01T00:00:00.000Z');
    const now = new Date(Date.UTC(2026, 4, 6, 7, 8, 9));
    expect(parseTimestamptz('now', { now: () => now }).getTime()).toBe(now.getTime());
    expect(parseTimestamptz('today', { now: () => now }).toISOString()).toBe('2026-05-06T00:00:00.000Z');
    expect(parseTimestamptz('Tomorrow', { now: () => now }).toISOString()).toBe('2026-05-07T00:00:00.000Z');
  });

  it('raises PostgreSQL errors', () => {
    expectError(() => parseTimestamptz('garbage'), '22007', 'invalid input syntax for type timestamp with time zone: "garbage"');
    expectError(() => parseTimestamptz(''), '22007', 'invalid input syntax for type timestamp with time zone: ""');
    expectError(() => parseTimestamptz('2026-13-01'), '22008', 'date/time field value out of range: "2026-13-01"');
    expectError(() => parseTimestamptz('2026-02-29'), '22008', 'date/time field value out of range: "2026-02-29"');
    expectError(() => parseTimestamptz('2026-01-01 25:00'), '22008', 'date/time field value out of range: "2026-01-01 25:00"');
    expectError(() => parseTimestamptz('2026-01-01 10:00+16'), '22009', 'time zone displacement out of range: "2026-01-01 10:00+16"');
    expectError(() => parseTimestamptz('2026-01-01 10:00 Mars/Base'), '22023', 'time zone "mars/base" not recognized');
    expect(thrownError(() => parseTimestamptz('infinity')).code).toBe('0A000');
  });
});

describe('other inputs', () => {
  it('oid accepts negative values down to −2^31 and wraps them', () => {
    expect(parseValue('-1', t.oid)).toBe(4294967295);
    expect(parseValue(' 4294967295 ', t.oid)).toBe(4294967295);
    expectError(() => parseValue('4294967296', t.oid), '22003', 'value "4294967296" is out of range for type oid');
    expectError(() => parseValue('-2147483649', t.oid), '22003', 'value "-2147483649" is out of range for type oid');
    expectError(() => parseValue('x', t.oid), '22P02', 'invalid input syntax for type oid: "x"');
  });

  it('regclass resolves names through the catalog and takes digits as the id', () => {
    const options = { relations: catalog };
    expect(parseValue('sequences', t.regclass, options)).toBe(16390);
    expect(parseValue(' SEQUENCES ', t.regclass, options)).toBe(16390);
    expect(parseValue('public.sequences', t.regclass, options)).toBe(16390);
    expect(parseValue('"Mixed"', t.regclass, options)).toBe(16391);
    expect(parseValue('12345', t.regclass, options)).toBe(12345);
    expect(parseValue('-', t.regclass, options)).toBe(0);
    expectError(() => parseValue('Mixed', t.regclass, options), '42P01', 'relation "mixed" does not exist');
    expectError(() => parseValue('other.sequences', t.regclass, options), '42P01', 'relation "other.sequences" does not exist');
    expectError(() => parseValue('"unterminated', t.regclass, options), '42602', 'invalid name syntax');
    expectError(() => parseValue('a..b', t.regclass, options), '42602', 'invalid name syntax');
    expectError(() => parseValue('a.b.c.d', t.regclass, options), '42601', 'improper relation name (too many dotted names): a.b.c.d');
    expect(parseQualifiedName(' a . "B""c" ')).toEqual(['a', 'B"c']);
  });

  it('dna2/dna4 input is parseDnaText with the reference errors', () => {
    expect(formatValue(parseValue('acgt', t.dna2), t.dna2)).toBe('ACGT');
    const error = expectError(() => parseValue('ACGN', t.dna2), '22P02', "invalid character 'N' for DNA2 type");
    expect(error.hint).toBe('DNA2 type accepts only A, C, G, T, U characters');
  });

  it('name input truncates to 63 bytes at a character boundary', () => {
    expect(parseValue('x'.repeat(70), t.name)).toBe('x'.repeat(63));
    expect(parseValue('é'.repeat(40), t.name)).toBe('é'.repeat(31));
  });

  it('applies modifiers with input semantics', () => {
    expect(parseValue('ab   ', varcharType(3))).toBe('ab ');
    expectError(() => parseValue('abcd', varcharType(3)), '22001', 'value too long for type character varying(3)');
    expect(parseBaseValue('abcd', varcharType(3))).toBe('abcd');
    expect((parseValue('1.25', numericType(3, 1)) as Numeric).toString()).toBe('1.3');
  });

  it('record input parses named composites and refuses anonymous ones', () => {
    const type = recordType(
      [
        { name: 'a', type: t.int4 },
        { name: 'b', type: t.text },
        { name: 'c', type: t.text },
      ],
      'pair',
    );
    const value = parseRecord(' (1,"x, y",)', type.fields ?? []);
    expect(value.values).toEqual([1, 'x, y', null]);
    expect((parseRecord('(2,"",a\\"b)', type.fields ?? [])).values).toEqual([2, '', 'a"b']);
    const detail = (input: string): string | undefined => thrownError(() => parseRecord(input, type.fields ?? [])).detail;
    expect(detail('1,2,3)')).toBe('Missing left parenthesis.');
    expect(detail('(1,2)')).toBe('Too few columns.');
    expect(detail('(1,2,3,4)')).toBe('Too many columns.');
    expect(detail('(1,2,"3')).toBe('Unexpected end of input.');
    expect(detail('(1,2,3) x')).toBe('Junk after right parenthesis.');
    expectError(() => parseRecord('x', type.fields ?? []), '22P02', 'malformed record literal: "x"');
    expectError(() => parseValue('(1)', t.record), '0A000', 'input of anonymous composite types is not implemented');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Round trips: output → input gives an equal value (same grouping key) and the same text again.

const dnaText = (letters: string): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...letters.split('')), { maxLength: 40 }).map((bases) => bases.join(''));

const fieldTypes = [
  { name: 'total', type: t.int8 },
  { name: 'label', type: t.text },
  { name: 'rate', type: t.float4 },
  { name: 'flag', type: t.bool },
] as const;
const compositeType = recordType(fieldTypes, 'kmersearch_test_result');

const arbitrariesByType: readonly (readonly [SqlType, fc.Arbitrary<SqlValue>])[] = [
  [t.int2, fc.integer({ min: -32768, max: 32767 })],
  [t.int4, fc.integer({ min: -2147483648, max: 2147483647 })],
  [t.int8, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
  [t.float4, fc.float()],
  [t.float8, fc.double()],
  [
    t.numeric,
    fc
      .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }))
      .map(([digits, scale]) => Numeric.of(digits, scale)),
  ],
  [t.bool, fc.boolean()],
  [t.text, fc.string({ unit: 'grapheme' })],
  [varcharType(10), fc.string({ maxLength: 10 })],
  [t.bytea, fc.uint8Array({ maxLength: 40 })],
  [
    t.timestamptz,
    fc.integer({ min: -210866803200000, max: 8.64e15 }).map((time) => new Date(time)),
  ],
  [t.dna2, dnaText('ACGT').map((bases) => parseDnaText('dna2', bases))],
  [t.dna4, dnaText('ACGTMRWSYKVHDBN').map((bases) => parseDnaText('dna4', bases))],
  [t.oid, fc.integer({ min: 0, max: 4294967295 })],
  [t.regclass, fc.constantFrom(0, 16390, 16391, 16392, 77777)],
  [
    compositeType,
    fc
      .tuple(
        fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
        fc.option(fc.string()),
        fc.option(fc.float()),
        fc.option(fc.boolean()),
      )
      .map((values): RecordValue => ({ fields: compositeType.fields ?? [], values })),
  ],
];

describe('text output → input round trips for every type', () => {
  for (const [type, arbitrary] of arbitrariesByType) {
    it(type.formatName, () => {
      const options = { relations: catalog };
      fc.assert(
        fc.property(arbitrary, (value) => {
          const printed = formatValue(value, type, options);
          const parsed = parseValue(printed, type, options);
          expect(groupingKey(parsed, type)).toBe(groupingKey(value, type));
          expect(formatValue(parsed, type, options)).toBe(printed);
        }),
        { numRuns: 300 },
      );
    });
  }
});
