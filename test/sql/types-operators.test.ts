import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDnaText } from '../../src/dna/index.js';
import {
  Numeric,
  type SqlType,
  type SqlValue,
  castValue,
  formatValue,
  resolveBinaryOperator,
  resolvePrefixOperator,
  sqlTypes,
  varcharType,
} from '../../src/sql/types.js';
import { expectError, thrownError } from './types-helpers.js';

const t = sqlTypes;

/** Evaluates `left op right` the way the executor will: resolve, cast operands implicitly, evaluate. */
function evaluate(operator: string, left: SqlValue, leftType: SqlType, right: SqlValue, rightType: SqlType): SqlValue {
  const resolved = resolveBinaryOperator(operator, leftType, rightType);
  return resolved.evaluate(
    castValue(left, leftType, resolved.leftType, 'implicit'),
    castValue(right, rightType, resolved.rightType, 'implicit'),
  );
}

function evaluateText(operator: string, left: SqlValue, leftType: SqlType, right: SqlValue, rightType: SqlType): string {
  const resolved = resolveBinaryOperator(operator, leftType, rightType);
  return formatValue(evaluate(operator, left, leftType, right, rightType), resolved.resultType);
}

const num = (text: string): Numeric => Numeric.parse(text);

describe('operator resolution (result types as PostgreSQL chooses them)', () => {
  const cases: readonly (readonly [SqlType, string, SqlType, string])[] = [
    [t.int2, '+', t.int2, 'smallint'],
    [t.int2, '+', t.int4, 'integer'],
    [t.int4, '*', t.int8, 'bigint'],
    [t.int8, '-', t.int2, 'bigint'],
    [t.int4, '+', t.numeric, 'numeric'],
    [t.numeric, '/', t.int8, 'numeric'],
    [t.int4, '+', t.float8, 'double precision'],
    [t.int4, '+', t.float4, 'double precision'],
    [t.float4, '+', t.int4, 'double precision'],
    [t.float4, '*', t.float4, 'real'],
    [t.float4, '-', t.float8, 'double precision'],
    [t.numeric, '+', t.float4, 'double precision'],
    [t.numeric, '*', t.float8, 'double precision'],
    [t.int8, '/', t.float4, 'double precision'],
    [t.int4, '+', t.unknown, 'integer'],
    [t.unknown, '*', t.numeric, 'numeric'],
    [t.int2, '%', t.int4, 'integer'],
    [t.int4, '%', t.int8, 'bigint'],
    [t.int4, '%', t.numeric, 'numeric'],
    [t.int4, '=', t.int8, 'boolean'],
    [t.text, '||', t.int4, 'text'],
    [t.unknown, '||', t.unknown, 'text'],
    [t.bytea, '||', t.bytea, 'bytea'],
    [t.dna2, '||', t.unknown, 'text'],
  ];
  for (const [left, operator, right, result] of cases) {
    it(`${left.formatName} ${operator} ${right.formatName} → ${result}`, () => {
      expect(resolveBinaryOperator(operator, left, right).resultType.formatName).toBe(result);
    });
  }

  it('casts operands to the chosen operator’s argument types', () => {
    const mixed = resolveBinaryOperator('=', t.int4, t.numeric);
    expect([mixed.leftType.typeName, mixed.rightType.typeName]).toEqual(['numeric', 'numeric']);
    const floatMix = resolveBinaryOperator('<', t.int8, t.float4);
    expect([floatMix.leftType.typeName, floatMix.rightType.typeName]).toEqual(['float8', 'float4']);
    const strings = resolveBinaryOperator('=', varcharType(5), t.unknown);
    expect([strings.leftType.typeName, strings.rightType.typeName]).toEqual(['text', 'text']);
    const unknowns = resolveBinaryOperator('<', t.unknown, t.unknown);
    expect([unknowns.leftType.typeName, unknowns.rightType.typeName]).toEqual(['text', 'text']);
    const nameText = resolveBinaryOperator('=', t.name, t.text);
    expect([nameText.leftType.typeName, nameText.rightType.typeName]).toEqual(['name', 'text']);
    const regclass = resolveBinaryOperator('=', t.regclass, t.unknown);
    expect([regclass.leftType.typeName, regclass.rightType.typeName]).toEqual(['oid', 'oid']);
    const dna = resolveBinaryOperator('=', t.dna2, t.unknown);
    expect([dna.leftType.typeName, dna.rightType.typeName]).toEqual(['dna2', 'dna2']);
    expect(resolveBinaryOperator('!=', t.int4, t.int4).name).toBe('<>');
  });

  it('raises 42883 / 42725 with PostgreSQL texts and hints', () => {
    const missing = expectError(
      () => resolveBinaryOperator('%', t.float8, t.int4),
      '42883',
      'operator does not exist: double precision % integer',
    );
    expect(missing.hint).toBe('No operator matches the given name and argument types. You might need to add explicit type casts.');
    expectError(() => resolveBinaryOperator('=', t.dna2, t.text), '42883', 'operator does not exist: dna2 = text');
    expectError(() => resolveBinaryOperator('=', t.dna2, t.dna4), '42883', 'operator does not exist: dna2 = dna4');
    expectError(() => resolveBinaryOperator('=', t.text, t.int4), '42883', 'operator does not exist: text = integer');
    expectError(() => resolveBinaryOperator('+', t.bool, t.unknown), '42883', 'operator does not exist: boolean + unknown');
    expectError(() => resolveBinaryOperator('||', t.int4, t.int4), '42883', 'operator does not exist: integer || integer');
    expectError(() => resolveBinaryOperator('!=', t.text, t.int4), '42883', 'operator does not exist: text <> integer');
    const ambiguous = expectError(
      () => resolveBinaryOperator('+', t.unknown, t.unknown),
      '42725',
      'operator is not unique: unknown + unknown',
    );
    expect(ambiguous.hint).toBe('Could not choose a best candidate operator. You might need to add explicit type casts.');
    expectError(() => resolvePrefixOperator('-', t.unknown), '42725', 'operator is not unique: - unknown');
    expectError(() => resolvePrefixOperator('-', t.text), '42883', 'operator does not exist: - text');
  });
});

describe('integer arithmetic', () => {
  it('truncates division toward zero and keeps the dividend’s sign for %', () => {
    expect(evaluate('/', 7, t.int4, 2, t.int4)).toBe(3);
    expect(evaluate('/', -7, t.int4, 2, t.int4)).toBe(-3);
    expect(Object.is(evaluate('/', -1, t.int4, 2, t.int4), 0)).toBe(true);
    expect(evaluate('%', -7, t.int4, 3, t.int4)).toBe(-1);
    expect(evaluate('%', 7, t.int4, -3, t.int4)).toBe(1);
    expect(Object.is(evaluate('%', -4, t.int4, 2, t.int4), 0)).toBe(true);
    expect(Object.is(evaluate('*', -1, t.int4, 0, t.int4), 0)).toBe(true);
    expect(evaluate('/', -7n, t.int8, 2n, t.int8)).toBe(-3n);
    expect(evaluate('+', 1, t.int4, 2n, t.int8)).toBe(3n);
  });

  it('raises 22003 in the result type and 22012 on division by zero', () => {
    expectError(() => evaluate('+', 2147483647, t.int4, 1, t.int4), '22003', 'integer out of range');
    expectError(() => evaluate('*', 65536, t.int4, 65536, t.int4), '22003', 'integer out of range');
    expectError(() => evaluate('-', -32768, t.int2, 1, t.int2), '22003', 'smallint out of range');
    expect(evaluate('-', -32768, t.int2, 1, t.int4)).toBe(-32769);
    expectError(() => evaluate('*', 2n ** 62n, t.int8, 2, t.int4), '22003', 'bigint out of range');
    expectError(() => evaluate('/', -2147483648, t.int4, -1, t.int4), '22003', 'integer out of range');
    expectError(() => evaluate('/', -32768, t.int2, -1, t.int2), '22003', 'smallint out of range');
    expectError(() => evaluate('/', -(2n ** 63n), t.int8, -1n, t.int8), '22003', 'bigint out of range');
    expect(evaluate('%', -2147483648, t.int4, -1, t.int4)).toBe(0);
    expect(evaluate('%', -(2n ** 63n), t.int8, -1n, t.int8)).toBe(0n);
    expectError(() => evaluate('/', 1, t.int4, 0, t.int4), '22012', 'division by zero');
    expectError(() => evaluate('%', 1n, t.int8, 0n, t.int8), '22012', 'division by zero');
    expectError(() => evaluate('/', 1, t.int2, 0, t.int2), '22012', 'division by zero');
  });

  it('prefix minus checks the range', () => {
    expect(resolvePrefixOperator('-', t.int4).evaluate(5)).toBe(-5);
    expect(Object.is(resolvePrefixOperator('-', t.int4).evaluate(0), 0)).toBe(true);
    expectError(() => resolvePrefixOperator('-', t.int4).evaluate(-2147483648), '22003', 'integer out of range');
    expectError(() => resolvePrefixOperator('-', t.int2).evaluate(-32768), '22003', 'smallint out of range');
    expectError(() => resolvePrefixOperator('-', t.int8).evaluate(-(2n ** 63n)), '22003', 'bigint out of range');
    expect(formatValue(resolvePrefixOperator('-', t.numeric).evaluate(num('1.50')), t.numeric)).toBe('-1.50');
    expect(resolvePrefixOperator('+', t.float8).evaluate(1.5)).toBe(1.5);
  });

  it('int4 arithmetic matches exact BigInt arithmetic or raises', () => {
    const int4 = fc.integer({ min: -2147483648, max: 2147483647 });
    fc.assert(
      fc.property(int4, int4, fc.constantFrom('+', '-', '*', '/', '%'), (a, b, operator) => {
        const exact = (() => {
          const x = BigInt(a);
          const y = BigInt(b);
          if ((operator === '/' || operator === '%') && y === 0n) return 'division by zero';
          const value = operator === '+' ? x + y : operator === '-' ? x - y : operator === '*' ? x * y : operator === '/' ? x / y : x % y;
          return value < -2147483648n || value > 2147483647n ? 'integer out of range' : Number(value);
        })();
        let actual: SqlValue | string;
        try {
          actual = evaluate(operator, a, t.int4, b, t.int4);
        } catch (error) {
          actual = (error as Error).message;
        }
        expect(actual).toBe(exact);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('float arithmetic', () => {
  it('computes float4 results in float32 and mixed ones in float8', () => {
    expect(evaluate('+', Math.fround(0.1), t.float4, Math.fround(0.2), t.float4)).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    expect(evaluateText('+', Math.fround(0.1), t.float4, Math.fround(0.2), t.float4)).toBe('0.3');
    expect(evaluateText('+', 0.1, t.float8, 0.2, t.float8)).toBe('0.30000000000000004');
    expect(evaluateText('+', Math.fround(1.5), t.float4, 1, t.int4)).toBe('2.5');
    expect(evaluateText('*', 3, t.int4, 0.5, t.float8)).toBe('1.5');
    expect(evaluateText('/', 1, t.float8, 3, t.int4)).toBe('0.3333333333333333');
  });

  it('raises overflow, underflow and division by zero', () => {
    expectError(() => evaluate('*', 1e308, t.float8, 10, t.float8), '22003', 'value out of range: overflow');
    expectError(() => evaluate('+', 1.7976931348623157e308, t.float8, 1.7976931348623157e308, t.float8), '22003', 'value out of range: overflow');
    expectError(() => evaluate('*', 1e-308, t.float8, 1e-308, t.float8), '22003', 'value out of range: underflow');
    expectError(() => evaluate('/', 1e-300, t.float8, 1e300, t.float8), '22003', 'value out of range: underflow');
    expectError(() => evaluate('*', Math.fround(1e30), t.float4, Math.fround(1e30), t.float4), '22003', 'value out of range: overflow');
    expectError(() => evaluate('/', 1, t.float8, 0, t.float8), '22012', 'division by zero');
    expectError(() => evaluate('/', 1, t.float8, -0, t.float8), '22012', 'division by zero');
    expect(evaluate('/', NaN, t.float8, 0, t.float8)).toBeNaN();
    expect(evaluate('+', Infinity, t.float8, 1, t.float8)).toBe(Infinity);
    expect(evaluate('-', Infinity, t.float8, Infinity, t.float8)).toBeNaN();
    expect(evaluate('/', 1, t.float8, Infinity, t.float8)).toBe(0);
  });
});

describe('numeric arithmetic through operators', () => {
  it('uses the numeric division scale for integer / numeric', () => {
    expect(evaluateText('/', 1, t.int4, num('3'), t.numeric)).toBe('0.33333333333333333333');
    expect(evaluateText('/', num('10'), t.numeric, 4, t.int4)).toBe('2.5000000000000000');
    expect(evaluateText('+', 1, t.int4, num('0.50'), t.numeric)).toBe('1.50');
    expect(evaluateText('*', 2n, t.int8, num('1.25'), t.numeric)).toBe('2.50');
    expect(evaluateText('%', 10, t.int4, num('3.5'), t.numeric)).toBe('3.0');
    expect(evaluateText('+', num('0.1'), t.numeric, 0.2, t.float8)).toBe('0.30000000000000004');
    expectError(() => evaluate('/', num('1'), t.numeric, 0, t.int4), '22012', 'division by zero');
  });
});

describe('comparisons', () => {
  it('compare across integer widths and with numeric and floats', () => {
    expect(evaluate('=', 1, t.int4, 1n, t.int8)).toBe(true);
    expect(evaluate('<', 2147483647, t.int4, 2147483648n, t.int8)).toBe(true);
    expect(evaluate('=', 1, t.int4, num('1.0'), t.numeric)).toBe(true);
    expect(evaluate('<', 1, t.int4, num('1.5'), t.numeric)).toBe(true);
    expect(evaluate('=', num('0.1'), t.numeric, 0.1, t.float8)).toBe(true);
    expect(evaluate('=', NaN, t.float8, NaN, t.float8)).toBe(true);
    expect(evaluate('>', NaN, t.float8, Infinity, t.float8)).toBe(true);
    expect(evaluate('<>', 1, t.int2, 2, t.int2)).toBe(true);
    expect(evaluate('>=', 3, t.int4, '3', t.unknown)).toBe(true);
  });

  it('compare strings, booleans, dna and timestamps', () => {
    expect(evaluate('<', 'B', t.text, 'a', t.unknown)).toBe(true);
    expect(evaluate('=', 'abc', varcharType(3), 'abc', t.text)).toBe(true);
    expect(evaluate('<', false, t.bool, 'yes', t.unknown)).toBe(true);
    expect(evaluate('=', parseDnaText('dna2', 'ACGT'), t.dna2, 'acgu', t.unknown)).toBe(true);
    expect(evaluate('<', parseDnaText('dna2', 'T'), t.dna2, 'AA', t.unknown)).toBe(true);
    expect(evaluate('<', new Date(0), t.timestamptz, '2026-01-01', t.unknown)).toBe(true);
    expect(thrownError(() => evaluate('=', 1, t.int4, 'x', t.unknown)).message).toBe('invalid input syntax for type integer: "x"');
  });
});

describe('concatenation', () => {
  it('joins text with anything through output functions', () => {
    expect(evaluate('||', 'a', t.unknown, 'b', t.unknown)).toBe('ab');
    expect(evaluate('||', 'x', t.text, true, t.bool)).toBe('xt');
    expect(evaluate('||', 1.5, t.float8, 'x', t.text)).toBe('1.5x');
    expect(evaluate('||', 'n=', t.unknown, 42, t.int4)).toBe('n=42');
    expect(evaluate('||', parseDnaText('dna2', 'AC'), t.dna2, 'gt', t.unknown)).toBe('ACgt');
    expect(evaluate('||', num('2.50'), t.numeric, '', t.text)).toBe('2.50');
    expect(formatValue(evaluate('||', new Uint8Array([1]), t.bytea, '\\x02', t.unknown), t.bytea)).toBe('\\x0102');
  });
});
