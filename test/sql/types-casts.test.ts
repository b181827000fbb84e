import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDnaText } from '../../src/dna/index.js';
import {
  type CastContext,
  Numeric,
  type RelationCatalog,
  type SqlType,
  type SqlValue,
  assignmentTypeMismatchError,
  canCast,
  castValue,
  coerceToColumn,
  findCastPath,
  formatValue,
  numericType,
  recordType,
  sqlTypes,
  timestamptzType,
  varcharType,
} from '../../src/sql/types.js';
import { expectError } from './types-helpers.js';

const t = sqlTypes;
const num = (text: string): Numeric => Numeric.parse(text);
const cast = (value: SqlValue, from: SqlType, to: SqlType, context: CastContext = 'explicit'): SqlValue =>
  castValue(value, from, to, context);
const castText = (value: SqlValue, from: SqlType, to: SqlType, context: CastContext = 'explicit'): string =>
  formatValue(cast(value, from, to, context), to);

/** The least context each cast needs (undefined: none), from PostgreSQL's pg_cast and I/O rules. */
const MATRIX: readonly (readonly [SqlType, SqlType, CastContext | undefined])[] = [
  [t.int2, t.int4, 'implicit'],
  [t.int2, t.int8, 'implicit'],
  [t.int4, t.int8, 'implicit'],
  [t.int4, t.int2, 'assignment'],
  [t.int8, t.int4, 'assignment'],
  [t.int8, t.int2, 'assignment'],
  [t.int4, t.float4, 'implicit'],
  [t.int8, t.float8, 'implicit'],
  [t.int4, t.numeric, 'implicit'],
  [t.int8, t.numeric, 'implicit'],
  [t.float4, t.float8, 'implicit'],
  [t.float8, t.float4, 'assignment'],
  [t.float8, t.int4, 'assignment'],
  [t.float8, t.numeric, 'assignment'],
  [t.float4, t.numeric, 'assignment'],
  [t.numeric, t.float8, 'implicit'],
  [t.numeric, t.float4, 'implicit'],
  [t.numeric, t.int4, 'assignment'],
  [t.numeric, t.int8, 'assignment'],
  [t.int4, t.bool, 'explicit'],
  [t.bool, t.int4, 'explicit'],
  [t.int8, t.bool, undefined],
  [t.int2, t.bool, undefined],
  [t.float8, t.bool, undefined],
  [t.bool, t.text, 'assignment'],
  [t.int4, t.text, 'assignment'],
  [t.float8, t.varchar, 'assignment'],
  [t.numeric, t.text, 'assignment'],
  [t.dna2, t.text, 'assignment'],
  [t.timestamptz, t.text, 'assignment'],
  [t.bytea, t.text, 'assignment'],
  [t.text, t.int4, 'explicit'],
  [t.text, t.bool, 'explicit'],
  [t.text, t.dna2, 'explicit'],
  [t.varchar, t.dna4, 'explicit'],
  [t.text, t.varchar, 'implicit'],
  [t.varchar, t.text, 'implicit'],
  [t.text, t.name, 'implicit'],
  [t.name, t.varchar, 'assignment'],
  [t.text, t.regclass, 'implicit'],
  [t.int4, t.oid, 'implicit'],
  [t.int4, t.regclass, 'implicit'],
  [t.oid, t.int4, 'assignment'],
  [t.regclass, t.oid, 'implicit'],
  [t.oid, t.int8, 'assignment'],
  [t.dna2, t.dna4, undefined],
  [t.dna4, t.dna2, undefined],
  [t.bytea, t.dna2, undefined],
  [t.dna2, t.bytea, undefined],
  [t.int4, t.timestamptz, undefined],
  [t.unknown, t.dna2, 'implicit'],
  [t.unknown, t.int4, 'implicit'],
  [t.unknown, t.timestamptz, 'implicit'],
  [t.record, t.text, 'assignment'],
  [t.void, t.text, 'assignment'],
];

describe('cast paths (pg_cast and automatic I/O conversion)', () => {
  for (const [source, target, least] of MATRIX) {
    it(`${source.typeName} → ${target.typeName}: ${least ?? 'none'}`, () => {
      const allowed = (['implicit', 'assignment', 'explicit'] as const).filter((context) => canCast(source, target, context));
      const expected =
        least === undefined
          ? []
          : (['implicit', 'assignment', 'explicit'] as const).slice(['implicit', 'assignment', 'explicit'].indexOf(least));
      expect(allowed).toEqual(expected);
    });
  }

  it('reports the method', () => {
    expect(findCastPath(t.int4, t.int4, 'implicit')?.method).toBe('identity');
    expect(findCastPath(t.unknown, t.dna2, 'implicit')?.method).toBe('input');
    expect(findCastPath(t.int4, t.text, 'assignment')?.method).toBe('io');
    expect(findCastPath(t.text, t.varchar, 'implicit')?.method).toBe('binary');
    expect(findCastPath(t.int4, t.int8, 'implicit')?.method).toBe('function');
  });

  it('raises 42846 for a cast that does not exist', () => {
    expectError(() => cast(1, t.int8, t.bool), '42846', 'cannot cast type bigint to boolean');
    expectError(() => cast(parseDnaText('dna2', 'A'), t.dna2, t.dna4), '42846', 'cannot cast type dna2 to dna4');
    expectError(() => cast('x', t.text, t.int4, 'assignment'), '42846', 'cannot cast type text to integer');
  });

  it('builds the 42804 assignment error of the reference', () => {
    const error = assignmentTypeMismatchError('s', t.dna2, t.text);
    expect([error.code, error.message, error.hint]).toEqual([
      '42804',
      'column "s" is of type dna2 but expression is of type text',
      'You will need to rewrite or cast the expression.',
    ]);
    expectError(() => coerceToColumn('ACGT', t.text, 's', t.dna2), '42804', 'column "s" is of type dna2 but expression is of type text');
    expect(formatValue(coerceToColumn('acgt', t.unknown, 's', t.dna2), t.dna2)).toBe('ACGT');
    expect(coerceToColumn(5, t.int4, 'n', t.text)).toBe('5');
    expect(coerceToColumn(5n, t.int8, 'n', t.int4)).toBe(5);
  });
});

describe('integer conversions', () => {
  it('narrows with range errors', () => {
    expect(cast(32767, t.int4, t.int2, 'assignment')).toBe(32767);
    expectError(() => cast(40000, t.int4, t.int2, 'assignment'), '22003', 'smallint out of range');
    expectError(() => cast(3000000000n, t.int8, t.int4, 'assignment'), '22003', 'integer out of range');
    expect(cast(-2147483648n, t.int8, t.int4, 'assignment')).toBe(-2147483648);
  });

  it('widens exactly, and rounds int8 → float4/float8 to nearest', () => {
    expect(cast(7, t.int2, t.int8)).toBe(7n);
    expect(cast(16777217, t.int4, t.float4)).toBe(16777216);
    expect(cast(2n ** 53n + 1n, t.int8, t.float8)).toBe(2 ** 53);
    expect(cast(2n ** 53n + 2n ** 29n + 1n, t.int8, t.float4)).toBe(2 ** 53 + 2 ** 30);
    expect(castText(-5, t.int4, t.numeric)).toBe('-5');
  });

  it('int4 ↔ bool (explicit only)', () => {
    expect(cast(0, t.int4, t.bool)).toBe(false);
    expect(cast(-3, t.int4, t.bool)).toBe(true);
    expect(cast(true, t.bool, t.int4)).toBe(1);
    expect(cast(false, t.bool, t.int4)).toBe(0);
  });

  it('oid and regclass reinterpret int4 bits; int8 → oid checks the range', () => {
    expect(cast(-1, t.int4, t.oid, 'implicit')).toBe(4294967295);
    expect(cast(4294967295, t.oid, t.int4, 'assignment')).toBe(-1);
    expect(cast(4294967295, t.oid, t.int8, 'assignment')).toBe(4294967295n);
    expect(cast(-2, t.int2, t.regclass, 'implicit')).toBe(4294967294);
    expectError(() => cast(-1n, t.int8, t.oid), '22003', 'OID out of range');
  });
});

describe('float conversions', () => {
  it('float → integer rounds half to even (rint) and checks the range', () => {
    const toInt4 = (value: number): SqlValue => cast(value, t.float8, t.int4, 'assignment');
    expect([2.5, 3.5, -2.5, -0.5, 0.4999999999999999, 1e9].map(toInt4)).toEqual([2, 4, -2, 0, 0, 1000000000]);
    expectError(() => toInt4(2147483647.5), '22003', 'integer out of range');
    expectError(() => toInt4(NaN), '22003', 'integer out of range');
    expectError(() => toInt4(Infinity), '22003', 'integer out of range');
    expectError(() => cast(32767.5, t.float4, t.int2, 'assignment'), '22003', 'smallint out of range');
    expect(cast(-9223372036854775808, t.float8, t.int8)).toBe(-(2n ** 63n));
    expectError(() => cast(9223372036854775808, t.float8, t.int8), '22003', 'bigint out of range');
  });

  it('float8 → float4 raises on overflow and underflow', () => {
    expect(cast(0.1, t.float8, t.float4)).toBe(Math.fround(0.1));
    expect(cast(Infinity, t.float8, t.float4)).toBe(Infinity);
    expectError(() => cast(1e300, t.float8, t.float4), '22003', 'value out of range: overflow');
    expectError(() => cast(1e-300, t.float8, t.float4), '22003', 'value out of range: underflow');
  });

  it('float → numeric goes through %.15g (float8) and %.6g (float4)', () => {
    expect(castText(0.1, t.float8, t.numeric)).toBe('0.1');
    expect(castText(1 / 3, t.float8, t.numeric)).toBe('0.333333333333333');
    expect(castText(1e20, t.float8, t.numeric)).toBe('100000000000000000000');
    expect(castText(1.5e-7, t.float8, t.numeric)).toBe('0.00000015');
    expect(castText(123456789.123, t.float8, t.numeric)).toBe('123456789.123');
    // An exact tie at the 16th digit rounds to even, as glibc's printf does.
    expect(castText(1000000000000005, t.float8, t.numeric)).toBe('1000000000000000');
    expect(castText(1000000000000015, t.float8, t.numeric)).toBe('1000000000000020');
    expect(castText(Math.fround(0.1), t.float4, t.numeric)).toBe('0.1');
    expect(castText(Math.fround(1234567), t.float4, t.numeric)).toBe('1234570');
    expect(castText(-0, t.float8, t.numeric)).toBe('0');
    expect(castText(NaN, t.float8, t.numeric)).toBe('NaN');
    expect(castText(-Infinity, t.float8, t.numeric)).toBe('-Infinity');
  });

  it('numeric → float reads numeric_out through float8in / float4in', () => {
    expect(cast(num('0.1'), t.numeric, t.float8)).toBe(0.1);
    expect(cast(num('0.1'), t.numeric, t.float4)).toBe(Math.fround(0.1));
    expect(cast(num('NaN'), t.numeric, t.float8)).toBeNaN();
    expect(cast(num('-Infinity'), t.numeric, t.float8)).toBe(-Infinity);
    expectError(() => cast(num('1e400'), t.numeric, t.float8), '22003', `"1${'0'.repeat(400)}" is out of range for type double precision`);
  });
});

describe('numeric conversions', () => {
  it('numeric → integer rounds half away from zero', () => {
    const toInt4 = (text: string): SqlValue => cast(num(text), t.numeric, t.int4, 'assignment');
    expect(['2.5', '-2.5', '2.4999', '0.5', '-0.5'].map(toInt4)).toEqual([3, -3, 2, 1, -1]);
    expectError(() => toInt4('2147483647.5'), '22003', 'integer out of range');
    expectError(() => cast(num('32767.5'), t.numeric, t.int2), '22003', 'smallint out of range');
    expectError(() => cast(num('1e19'), t.numeric, t.int8), '22003', 'bigint out of range');
    expectError(() => toInt4('NaN'), '0A000', 'cannot convert NaN to integer');
    expectError(() => cast(num('Infinity'), t.numeric, t.int8), '0A000', 'cannot convert infinity to bigint');
  });

  it('applies numeric(p, s) after the conversion', () => {
    expect(castText(num('3.14159'), t.numeric, numericType(4, 2))).toBe('3.14');
    expect(castText(2, t.int4, numericType(5, 2), 'implicit')).toBe('2.00');
    expectError(() => cast(1000, t.int4, numericType(5, 2), 'assignment'), '22003', 'numeric field overflow');
  });
});

describe('string conversions', () => {
  it('bool → text spells out true/false (text(bool)), while output prints t/f', () => {
    expect(cast(true, t.bool, t.text, 'assignment')).toBe('true');
    expect(cast(false, t.bool, t.varchar)).toBe('false');
    expect(formatValue(true, t.bool)).toBe('t');
  });

  it('other types go through their output function', () => {
    expect(cast(42, t.int4, t.text)).toBe('42');
    expect(cast(0.1, t.float8, t.text)).toBe('0.1');
    expect(cast(Math.fround(1e6), t.float4, t.text)).toBe('1e+06');
    expect(cast(num('2.50'), t.numeric, t.text)).toBe('2.50');
    expect(cast(new Uint8Array([1, 255]), t.bytea, t.text)).toBe('\\x01ff');
    expect(cast(parseDnaText('dna4', 'acgtn'), t.dna4, t.text)).toBe('ACGTN');
    expect(cast(new Date(Date.UTC(2026, 10, 22, 10)), t.timestamptz, t.text)).toBe('2026-11-22 10:00:00+00');
    const type = recordType([{ name: 'a', type: t.int4 }, { name: 'b', type: t.text }]);
    expect(cast({ fields: type.fields ?? [], values: [1, 'x y'] }, type, t.text, 'assignment')).toBe('(1,"x y")');
  });

  it('text → other types goes through their input function, with its errors', () => {
    expect(cast(' 12 ', t.text, t.int4)).toBe(12);
    expect(cast('yes', t.text, t.bool)).toBe(true);
    expect(formatValue(cast('acgu', t.varchar, t.dna2), t.dna2)).toBe('ACGT');
    expectError(() => cast('1.5', t.text, t.int4), '22P02', 'invalid input syntax for type integer: "1.5"');
    expectError(() => cast('ACGX', t.text, t.dna4), '22P02', "invalid character 'X' for DNA4 type");
  });

  it('varchar(n): explicit casts truncate, assignment keeps only excess spaces out', () => {
    expect(cast('abcdef', t.text, varcharType(3))).toBe('abc');
    expect(cast('abcdef', t.unknown, varcharType(3))).toBe('abc');
    expect(cast(12345, t.int4, varcharType(3))).toBe('123');
    expect(cast('ab   ', t.text, varcharType(3), 'assignment')).toBe('ab ');
    expectError(() => cast('abcd', t.text, varcharType(3), 'assignment'), '22001', 'value too long for type character varying(3)');
    expectError(() => cast('abcd', t.unknown, varcharType(3), 'assignment'), '22001', 'value too long for type character varying(3)');
    expect(cast('😀😀😀', t.text, varcharType(2))).toBe('😀😀');
    expect(cast('😀😀', t.text, varcharType(2), 'assignment')).toBe('😀😀');
    expect(cast('abcdef', varcharType(6), varcharType(4), 'explicit')).toBe('abcd');
  });

  it('text → regclass is implicit and uses the catalog', () => {
    const relations: RelationCatalog = {
      relationId: (name) => (name === 'sequences' ? 16400 : undefined),
      relationName: () => undefined,
    };
    expect(castValue('sequences', t.text, t.regclass, 'implicit', { relations })).toBe(16400);
    expectError(() => castValue('nope', t.text, t.regclass, 'implicit', { relations }), '42P01', 'relation "nope" does not exist');
  });

  it('unknown literals convert in any context; NULL stays NULL', () => {
    expect(cast('42', t.unknown, t.int8, 'implicit')).toBe(42n);
    expect(castText('2026-11-22 10:00:00.5+01', t.unknown, timestamptzType(0), 'implicit')).toBe('2026-11-22 09:00:01+00');
    expect(cast(null, t.int8, t.bool)).toBeNull();
    expect(cast(null, t.text, t.dna2, 'implicit')).toBeNull();
  });
});

describe('cast properties', () => {
  it('int4 → int8 → int4 and int4 → numeric → int4 are identities', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (value) => {
        expect(cast(cast(value, t.int4, t.int8), t.int8, t.int4)).toBe(value);
        expect(cast(cast(value, t.int4, t.numeric), t.numeric, t.int4)).toBe(value);
        expect(cast(cast(value, t.int4, t.text), t.text, t.int4)).toBe(value);
        expect(cast(cast(value, t.int4, t.float8), t.float8, t.int4)).toBe(value);
      }),
    );
  });

  it('float8 → text → float8 is exact', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(Object.is(cast(cast(value, t.float8, t.text), t.text, t.float8), value)).toBe(true);
      }),
    );
  });
});
