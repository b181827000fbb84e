import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCDoubleG } from '../../src/settings/index.js';

/**
 * An independent model of printf("%g"): rounding by toExponential (exact, but ties away from zero), with
 * exact ties detected from 100 further digits and sent to even, as glibc does.
 */
function modelG(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  const precise = magnitude.toExponential(100); // d.(100 digits)e±X
  const preciseDigits = precise.slice(0, precise.indexOf('e')).replace('.', '');
  let rounded = magnitude.toExponential(5);
  const isTie = /^50*$/.test(preciseDigits.slice(6));
  if (isTie && Number(preciseDigits[5]) % 2 === 0) {
    // toExponential rounded the tie up; glibc keeps the even digit: truncate instead.
    const exponentPart = precise.slice(precise.indexOf('e'));
    rounded = `${preciseDigits[0]}.${preciseDigits.slice(1, 6)}${exponentPart}`;
  }
  const exponent = Number(rounded.slice(rounded.indexOf('e') + 1));
  const roundedValue = Number(rounded);
  let body: string;
  if (exponent >= -4 && exponent < 6) {
    body = roundedValue.toFixed(5 - exponent);
    if (body.includes('.')) body = body.replace(/0+$/, '').replace(/\.$/, '');
  } else {
    const mantissa = rounded.slice(0, rounded.indexOf('e')).replace(/0+$/, '').replace(/\.$/, '');
    const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
    body = `${mantissa}e${exponent < 0 ? '-' : '+'}${exponentDigits}`;
  }
  return sign + body;
}

describe('formatCDoubleG (C printf %g)', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [0.5, '0.5'],
    [0.33333, '0.33333'],
    [1e-7, '1e-07'],
    [0.1234567890123, '0.123457'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [123456, '123456'],
    [1234567, '1.23457e+06'],
    [999999.5, '1e+06'],
    [1e100, '1e+100'],
    [-0.1, '-0.1'],
    [-0, '-0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
    [5e-324, '4.94066e-324'],
    [1.7976931348623157e308, '1.79769e+308'],
  ])('%s → %s', (value, expected) => {
    expect(formatCDoubleG(value)).toBe(expected);
  });

  it('rounds exact ties to even, as glibc does (toPrecision would round them up)', () => {
    expect(formatCDoubleG(12345.25)).toBe('12345.2');
    expect(formatCDoubleG(12345.75)).toBe('12345.8');
    expect(formatCDoubleG(1234565)).toBe('1.23456e+06');
    expect(formatCDoubleG(1234575)).toBe('1.23458e+06');
    expect(formatCDoubleG(0.5, 0)).toBe('0.5');
    expect(formatCDoubleG(2.5, 1)).toBe('2');
  });

  it('honours other precisions', () => {
    expect(formatCDoubleG(Math.PI, 10)).toBe('3.141592654');
    expect(formatCDoubleG(1234.5678, 3)).toBe('1.23e+03');
  });

  it('equals the toExponential-based model for random doubles', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (value) => {
        expect(formatCDoubleG(value)).toBe(modelG(value));
      }),
      { numRuns: 20000 },
    );
  });

  it('equals the model for short decimals and dyadic values, where ties are likely', () => {
    const dyadic = fc
      .tuple(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.integer({ min: 0, max: 30 }))
      .map(([numerator, shift]) => numerator / 2 ** shift);
    const shortDecimal = fc
      .tuple(fc.integer({ min: -9_999_999, max: 9_999_999 }), fc.integer({ min: -12, max: 12 }))
      .map(([digits, exponent]) => Number(`${digits}e${exponent}`));
    fc.assert(
      fc.property(fc.oneof(dyadic, shortDecimal), (value) => {
        expect(formatCDoubleG(value)).toBe(modelG(value));
      }),
      { numRuns: 20000 },
    );
  });
});
