import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Numeric, selectDivisionScale } from '../../src/sql/types.js';
import { expectError, thrownError } from './types-helpers.js';

const n = (text: string): Numeric => Numeric.parse(text);
const text = (value: Numeric): string => value.toString();

describe('numeric input and output (numeric_in / numeric_out)', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['1', '1'],
    ['1.50', '1.50'],
    [' -0.00 ', '0.00'],
    ['-0', '0'],
    ['+12.5', '12.5'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['007', '7'],
    ['1e5', '100000'],
    ['1.5e-3', '0.0015'],
    ['1.50e1', '15.0'],
    ['1E+2', '100'],
    ['1e 5', '100000'],
    ['-1.25e-10', '-0.000000000125'],
    ['NaN', 'NaN'],
    ['nan', 'NaN'],
    ['Infinity', 'Infinity'],
    ['-Infinity', '-Infinity'],
    [' +inf ', 'Infinity'],
    ['-INF', '-Infinity'],
  ];
  for (const [input, output] of cases) {
    it(`'${input}'::numeric prints ${output}`, () => expect(text(n(input))).toBe(output));
  }

  it('rejects bad syntax with 22P02 quoting the input', () => {
    for (const input of ['abc', '', ' ', '.', '1.2.3', '1e', '1x', '--1', 'infinityx', 'e5', '1 2']) {
      expectError(() => n(input), '22P02', `invalid input syntax for type numeric: "${input}"`);
    }
  });

  it('rejects values beyond the storage format with 22003', () => {
    expectError(() => n('1e131072'), '22003', 'value overflows numeric format');
    expectError(() => n('1e-16384'), '22003', 'value overflows numeric format');
    expectError(() => n('1e99999999999'), '22003', 'value overflows numeric format');
    expect(text(n('1e-16383')).length).toBe(16385);
  });
});

describe('numeric arithmetic', () => {
  it('adds and subtracts at the larger scale', () => {
    expect(text(n('1.5').add(n('2.25')))).toBe('3.75');
    expect(text(n('1.50').add(n('1')))).toBe('2.50');
    expect(text(n('1').subtract(n('1.000')))).toBe('0.000');
    expect(text(n('-0.5').add(n('0.25')))).toBe('-0.25');
  });

  it('multiplies exactly at the sum of the scales', () => {
    expect(text(n('1.5').multiply(n('2.25')))).toBe('3.375');
    expect(text(n('0.10').multiply(n('3')))).toBe('0.30');
    expect(text(n('-2').multiply(n('0.0')))).toBe('0.0');
  });

  it('divides with select_div_scale: at least 16 significant digits, rounded half away from zero', () => {
    const cases: readonly (readonly [string, string, string])[] = [
      ['1', '3', '0.33333333333333333333'],
      ['2', '3', '0.66666666666666666667'],
      ['-2', '3', '-0.66666666666666666667'],
      ['10', '4', '2.5000000000000000'],
      ['100', '3', '33.3333333333333333'],
      ['1.0', '3', '0.33333333333333333333'],
      ['12345678', '3', '4115226.000000000000'],
      ['2.5000', '0.5', '5.0000000000000000'],
      ['1', '8', '0.12500000000000000000'],
      ['0', '5', '0.00000000000000000000'],
      ['7', '7', '1.00000000000000000000'],
      ['1', '0.0003', '3333.3333333333333333'],
      ['3', '2', '1.5000000000000000'],
      ['1.123456789012345678901', '1', '1.123456789012345678901'],
    ];
    for (const [left, right, quotient] of cases) {
      expect(`${left} / ${right} = ${text(n(left).divide(n(right)))}`).toBe(`${left} / ${right} = ${quotient}`);
    }
  });

  it('selects the scale from base-10000 weights and leading digits', () => {
    expect(selectDivisionScale(n('1'), n('3'))).toBe(20);
    expect(selectDivisionScale(n('10'), n('4'))).toBe(16);
    expect(selectDivisionScale(n('10000'), n('1'))).toBe(16);
    expect(selectDivisionScale(n('20000'), n('1'))).toBe(12);
    expect(selectDivisionScale(n('1'), n('1e-3000'))).toBe(1000);
  });

  it('raises 22012 on division by zero, also for Infinity / 0 and modulo', () => {
    expectError(() => n('1').divide(n('0')), '22012', 'division by zero');
    expectError(() => n('Infinity').divide(n('0.00')), '22012', 'division by zero');
    expectError(() => n('1').modulo(n('0')), '22012', 'division by zero');
    expect(text(n('NaN').divide(n('0')))).toBe('NaN');
  });

  it('computes modulo with the sign of the dividend at the larger scale', () => {
    expect(text(n('10.5').modulo(n('3')))).toBe('1.5');
    expect(text(n('-7').modulo(n('3')))).toBe('-1');
    expect(text(n('7').modulo(n('-3')))).toBe('1');
    expect(text(n('7').modulo(n('2.00')))).toBe('1.00');
  });

  it('follows PostgreSQL 14 special-value arithmetic', () => {
    expect(text(n('Infinity').add(n('-Infinity')))).toBe('NaN');
    expect(text(n('Infinity').add(n('5')))).toBe('Infinity');
    expect(text(n('Infinity').subtract(n('Infinity')))).toBe('NaN');
    expect(text(n('-Infinity').multiply(n('-2')))).toBe('Infinity');
    expect(text(n('Infinity').multiply(n('0')))).toBe('NaN');
    expect(text(n('Infinity').divide(n('-3')))).toBe('-Infinity');
    expect(text(n('Infinity').divide(n('Infinity')))).toBe('NaN');
    expect(text(n('5').divide(n('Infinity')))).toBe('0');
    expect(text(n('Infinity').modulo(n('3')))).toBe('NaN');
    expect(text(n('5.5').modulo(n('-Infinity')))).toBe('5.5');
    expect(text(n('NaN').add(n('1')))).toBe('NaN');
    expect(text(n('-Infinity').negate())).toBe('Infinity');
  });
});

describe('numeric(precision, scale) (apply_typmod)', () => {
  it('rounds half away from zero to the scale', () => {
    expect(text(n('12.345').applyTypeModifier(4, 1))).toBe('12.3');
    expect(text(n('12.35').applyTypeModifier(4, 1))).toBe('12.4');
    expect(text(n('-12.35').applyTypeModifier(4, 1))).toBe('-12.4');
    expect(text(n('1').applyTypeModifier(5, 2))).toBe('1.00');
    expect(text(n('12345').applyTypeModifier(2, -3))).toBe('12000');
    expect(text(n('NaN').applyTypeModifier(3, 1))).toBe('NaN');
  });

  it('raises 22003 numeric field overflow with PostgreSQL detail', () => {
    const error = expectError(() => n('1234.5').applyTypeModifier(5, 2), '22003', 'numeric field overflow');
    expect(error.detail).toBe('A field with precision 5, scale 2 must round to an absolute value less than 10^3.');
    const rounding = thrownError(() => n('9.995').applyTypeModifier(3, 2));
    expect(rounding.detail).toBe('A field with precision 3, scale 2 must round to an absolute value less than 10^1.');
    const fraction = thrownError(() => n('1').applyTypeModifier(2, 2));
    expect(fraction.detail).toBe('A field with precision 2, scale 2 must round to an absolute value less than 1.');
    const infinite = thrownError(() => n('Infinity').applyTypeModifier(5, 2));
    expect(infinite.detail).toBe('A field with precision 5, scale 2 cannot hold an infinite value.');
  });
});

const finiteNumeric = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 25 }))
  .map(([digits, scale]) => Numeric.of(digits, scale));
const anyNumeric = fc.oneof(
  { weight: 10, arbitrary: finiteNumeric },
  { weight: 1, arbitrary: fc.constantFrom(Numeric.NaN, Numeric.Infinity, Numeric.NegativeInfinity) },
);

describe('numeric properties', () => {
  it('output → input keeps value and scale', () => {
    fc.assert(
      fc.property(anyNumeric, (value) => {
        const again = Numeric.parse(value.toString());
        expect(again.toString()).toBe(value.toString());
        expect(again.scale).toBe(value.scale);
      }),
    );
  });

  it('compare is a total order consistent with normalizedKey', () => {
    fc.assert(
      fc.property(anyNumeric, anyNumeric, anyNumeric, (a, b, c) => {
        expect(a.compare(b)).toBe(-b.compare(a) || 0);
        expect(a.compare(b) === 0).toBe(a.normalizedKey() === b.normalizedKey());
        if (a.compare(b) <= 0 && b.compare(c) <= 0) expect(a.compare(c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('addition and subtraction are exact inverses on finite values', () => {
    fc.assert(
      fc.property(finiteNumeric, finiteNumeric, (a, b) => {
        expect(a.add(b).subtract(b).compare(a)).toBe(0);
      }),
    );
  });

  it('the quotient is within half a unit of its last digit and has the promised scale', () => {
    fc.assert(
      fc.property(finiteNumeric, finiteNumeric, (a, b) => {
        fc.pre(b.sign() !== 0);
        const quotient = a.divide(b);
        expect(quotient.scale).toBe(selectDivisionScale(a, b));
        // |q × b − a| ≤ |b| × 10^-scale / 2
        const error = quotient.multiply(b).subtract(a).abs();
        const bound = b.abs().multiply(Numeric.of(5n, quotient.scale + 1));
        expect(error.compare(bound)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('equal values share a key whatever their scale', () => {
    expect(n('1.0').normalizedKey()).toBe(n('1.000').normalizedKey());
    expect(n('0.00').normalizedKey()).toBe(n('0').normalizedKey());
    expect(n('10').normalizedKey()).not.toBe(n('1').normalizedKey());
    expect(n('NaN').compare(n('Infinity'))).toBe(1);
    expect(n('-Infinity').compare(n('-1e100'))).toBe(-1);
  });
});

describe('numeric input edge cases', () => {
  it('zero with a huge exponent is zero, without building the power', () => {
    expect(Numeric.parse('0e1000000000').toString()).toBe('0');
    expect(Numeric.parse('0.000e2').toString()).toBe('0.0');
  });
});
