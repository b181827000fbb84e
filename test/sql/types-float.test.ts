import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bigintToFloat32,
  decimalToFloat32,
  formatFloat4,
  formatFloat8,
  parseFloat4,
  parseFloat8,
  roundHalfEven,
  shortestDecimal,
} from '../../src/sql/types.js';
import { expectError } from './types-helpers.js';

/** PostgreSQL 15 `SELECT <literal>::float8` outputs. */
const FLOAT8_OUTPUTS: readonly (readonly [number, string])[] = [
  [1.0, '1'],
  [0.1, '0.1'],
  [1e-7, '1e-07'],
  [1e21, '1e+21'],
  [123456789012345680000, '1.2345678901234568e+20'],
  [Infinity, 'Infinity'],
  [-Infinity, '-Infinity'],
  [NaN, 'NaN'],
  [-0, '-0'],
  [0, '0'],
  [1e15, '1e+15'],
  [123456789012345, '123456789012345'],
  [999999999999999, '999999999999999'],
  [1e14, '100000000000000'],
  [0.0001, '0.0001'],
  [0.00001, '1e-05'],
  [0.00012345, '0.00012345'],
  [1.5, '1.5'],
  [-2.5, '-2.5'],
  [100, '100'],
  [1 / 3, '0.3333333333333333'],
  [2 / 3, '0.6666666666666666'],
  [0.1 + 0.2, '0.30000000000000004'],
  [1e100, '1e+100'],
  [-1.2345678901234e200, '-1.2345678901234e+200'],
  [1e-300, '1e-300'],
  [5e-324, '5e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [2 ** 53, '9.007199254740992e+15'],
  [2 ** 53 * 2, '1.8014398509481984e+16'],
];

/** PostgreSQL 15 `SELECT <literal>::float4` outputs. */
const FLOAT4_OUTPUTS: readonly (readonly [string, string])[] = [
  ['1.5', '1.5'],
  ['100000', '100000'],
  ['1000000', '1e+06'],
  ['123456', '123456'],
  ['1234567', '1.234567e+06'],
  ['0.1', '0.1'],
  ['0.0001', '0.0001'],
  ['0.00001', '1e-05'],
  ['1004.3', '1004.3'],
  ['1.2345678901234e+20', '1.2345679e+20'],
  ['1.2345678901234e-20', '1.2345679e-20'],
  ['3.4028235e38', '3.4028235e+38'],
  ['1e-45', '1e-45'],
  ['1.17549435e-38', '1.1754944e-38'],
  ['16777217', '1.6777216e+07'],
  ['0.3', '0.3'],
  ['7.038531e-26', '7.038531e-26'],
  ['-0', '-0'],
  ['0.25', '0.25'],
  ['0.123457', '0.123457'],
  ['NaN', 'NaN'],
  ['-Infinity', '-Infinity'],
];

describe('float8 output (float8out, extra_float_digits = 1)', () => {
  for (const [value, text] of FLOAT8_OUTPUTS) {
    it(`prints ${text}`, () => expect(formatFloat8(value)).toBe(text));
  }
});

describe('float4 output (float4out)', () => {
  for (const [input, text] of FLOAT4_OUTPUTS) {
    it(`'${input}'::float4 prints ${text}`, () => expect(formatFloat4(parseFloat4(input))).toBe(text));
  }
  it('widening to float8 shows the float32 value exactly', () => {
    expect(formatFloat8(parseFloat4('0.1'))).toBe('0.10000000149011612');
  });
});

describe('float input (float8in / float4in)', () => {
  it('trims whitespace and accepts the special spellings in any case', () => {
    expect(parseFloat8('  1.5  ')).toBe(1.5);
    expect(parseFloat8('\t-2e3\n')).toBe(-2000);
    expect(parseFloat8('.5')).toBe(0.5);
    expect(parseFloat8('5.')).toBe(5);
    expect(parseFloat8('1.e2')).toBe(100);
    expect(parseFloat8('Infinity')).toBe(Infinity);
    expect(parseFloat8(' -INFINITY ')).toBe(-Infinity);
    expect(parseFloat8('inf')).toBe(Infinity);
    expect(parseFloat8('+inf')).toBe(Infinity);
    expect(parseFloat8('NaN')).toBeNaN();
    expect(parseFloat8('-nan')).toBeNaN();
    expect(parseFloat4('infinity')).toBe(Infinity);
    expect(Object.is(parseFloat8('-0'), -0)).toBe(true);
  });

  it('accepts denormals', () => {
    expect(parseFloat8('4.9e-324')).toBe(5e-324);
    expect(parseFloat4('1e-45')).toBe(Math.fround(1e-45));
  });

  it('rejects junk with 22P02', () => {
    for (const text of ['abc', '', ' ', '1e', '1.5x', 'infinityx', '1 2', '--1', '.', 'e5', '0x', '0x1p', '0xg']) {
      expectError(() => parseFloat8(text), '22P02', `invalid input syntax for type double precision: "${text}"`);
    }
    expectError(() => parseFloat4('abc'), '22P02', 'invalid input syntax for type real: "abc"');
  });

  it('reads glibc hexadecimal floats, rounded to nearest even', () => {
    expect(parseFloat8('0x10')).toBe(16);
    expect(parseFloat8(' -0x1.8p1 ')).toBe(-3);
    expect(parseFloat8('0X.8P-1')).toBe(0.25);
    expect(parseFloat8('0x1p-1074')).toBe(5e-324);
    expect(parseFloat8('0x1.8p-1075')).toBe(5e-324);
    expect(parseFloat8('0x1.fffffffffffffp1023')).toBe(1.7976931348623157e308);
    expect(parseFloat8('0x1.00000000000008p0')).toBe(1);
    expect(parseFloat8('0x1.00000000000018p0')).toBe(1 + 2 ** -51);
    expect(parseFloat4('0x1.000001p0')).toBe(1);
    expect(parseFloat4('0x1.000003p0')).toBe(1 + 2 ** -22);
    expect(parseFloat4('0x1p-149')).toBe(2 ** -149);
    expectError(() => parseFloat8('0x1p-1075'), '22003', '"0x1p-1075" is out of range for type double precision');
    expectError(() => parseFloat8('0x1.fffffffffffff8p1023'), '22003', '"0x1.fffffffffffff8p1023" is out of range for type double precision');
    expectError(() => parseFloat4('0x1p128'), '22003', '"0x1p128" is out of range for type real');
    expect(parseFloat8('0x0p99999999999')).toBe(0);
  });

  it('rejects overflow and underflow to zero with 22003, quoting the whole input', () => {
    expectError(() => parseFloat8('1e400'), '22003', '"1e400" is out of range for type double precision');
    expectError(() => parseFloat8(' -1e400'), '22003', '" -1e400" is out of range for type double precision');
    expectError(() => parseFloat8('1e-400'), '22003', '"1e-400" is out of range for type double precision');
    expectError(() => parseFloat4('1e39'), '22003', '"1e39" is out of range for type real');
    expectError(() => parseFloat4('1e-46'), '22003', '"1e-46" is out of range for type real');
    expect(parseFloat8('0e-400')).toBe(0);
  });
});

/** The float32 midpoint above `below` as an exact decimal string (it is exact in binary, so finite in decimal). */
function exactDecimal(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn) - 1075;
  const significand = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  if (exponent >= 0) return (significand << BigInt(exponent)).toString();
  const digits = (significand * 5n ** BigInt(-exponent)).toString().padStart(-exponent + 1, '0');
  return `${digits.slice(0, digits.length + exponent)}.${digits.slice(digits.length + exponent)}`;
}

const float32Value = fc
  .float({ noNaN: true, noDefaultInfinity: true })
  .filter((value) => value !== 0);

describe('float32 rounding straight from the exact source (strtof, (float4) int64)', () => {
  it('rounds a decimal just above or below a float32 midpoint correctly despite double rounding', () => {
    fc.assert(
      fc.property(float32Value, (value) => {
        const magnitude = Math.abs(value);
        const view = new DataView(new ArrayBuffer(4));
        view.setFloat32(0, magnitude);
        view.setUint32(0, view.getUint32(0) + 1);
        const next = view.getFloat32(0);
        fc.pre(Number.isFinite(next));
        const midpoint = exactDecimal((magnitude + next) / 2);
        const withPoint = midpoint.includes('.') ? midpoint : `${midpoint}.`;
        expect(decimalToFloat32(`${withPoint}0000000000000000000000001`)).toBe(next);
        expect(decimalToFloat32(midpoint)).toBe(evenOf(magnitude, next));
        const below = decimalToFloat32(lowerNeighbourDecimal(withPoint));
        expect(below).toBe(magnitude);
      }),
      { numRuns: 500 },
    );
  });

  it('rounds int64 values to float32 as C does, beyond 2^53', () => {
    // 2^53 + 2^29 + 1 lies just above a float32 midpoint, but its nearest double is the midpoint itself.
    expect(bigintToFloat32(2n ** 53n + 2n ** 29n + 1n)).toBe(2 ** 53 + 2 ** 30);
    expect(bigintToFloat32(2n ** 53n + 2n ** 29n)).toBe(2 ** 53);
    expect(bigintToFloat32(-(2n ** 53n + 2n ** 29n + 1n))).toBe(-(2 ** 53 + 2 ** 30));
    expect(bigintToFloat32(16777217n)).toBe(16777216);
    expect(bigintToFloat32(16777219n)).toBe(16777220);
    expect(bigintToFloat32(2n ** 63n - 1n)).toBe(2 ** 63);
  });
});

function evenOf(first: number, second: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, first);
  return (view.getUint32(0) & 1) === 0 ? first : second;
}

/** The decimal of a midpoint minus a tiny amount: decrement the last digit of an appended 1 (…0999…). */
function lowerNeighbourDecimal(midpointWithPoint: string): string {
  // midpoint − 10^-60: subtract by appending digits — m.xxx − 0.000…1 = m.xxx(−1)999…; simpler: borrow.
  const digits = midpointWithPoint.replace('.', '');
  const pointFromEnd = midpointWithPoint.length - 1 - midpointWithPoint.indexOf('.');
  const scaled = BigInt(digits) * 10n ** 30n - 1n;
  const text = scaled.toString().padStart(pointFromEnd + 31, '0');
  const pointAt = text.length - (pointFromEnd + 30);
  return `${text.slice(0, pointAt)}.${text.slice(pointAt)}`;
}

describe('shortest round-trip digits (Ryu)', () => {
  it('the exact BigInt search agrees with V8 on doubles (the basis of the float4 output)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => value > 0), (value) => {
        const { digits, exponent } = shortestDecimal(value, 'float64');
        expect(Number(`${digits}e${exponent}`)).toBe(value);
        const v8 = value.toExponential();
        const [mantissa = '', v8Exponent = '0'] = v8.split('e');
        const v8Digits = mantissa.replace('.', '');
        expect(digits).toBe(v8Digits);
        expect(exponent).toBe(Number(v8Exponent) - (v8Digits.length - 1));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with V8 on powers of two and subnormals, where the interval is asymmetric', () => {
    for (let power = -1074; power <= 1023; power += 7) {
      const value = 2 ** power;
      const { digits, exponent } = shortestDecimal(value, 'float64');
      expect(Number(`${digits}e${exponent}`)).toBe(value);
      expect(formatFloat8(value)).toBe(formatFloat8(Number(`${digits}e${exponent}`)));
      expect(digits.length).toBe(value.toExponential().split('e')[0]?.replace('.', '').length);
    }
  });

  it('float4 output reads back as the same float32 and is no longer than the shortest correctly rounded form', () => {
    fc.assert(
      fc.property(float32Value, (value) => {
        const text = formatFloat4(value);
        expect(parseFloat4(text)).toBe(value);
        let shortest = 9;
        for (let precision = 1; precision <= 9; precision++) {
          if (decimalToFloat32(Math.abs(value).toPrecision(precision)) === Math.abs(value)) {
            shortest = precision;
            break;
          }
        }
        expect(shortestDecimal(Math.abs(value), 'float32').digits.length).toBeLessThanOrEqual(shortest);
      }),
      { numRuns: 3000 },
    );
  });

  it('float8 output reads back as the same double', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(Object.is(parseFloat8(formatFloat8(value)), value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('float4 output reads back for every float32 including specials', () => {
    fc.assert(
      fc.property(fc.float(), (value) => {
        expect(Object.is(parseFloat4(formatFloat4(value)), value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rint (float → integer casts)', () => {
  it('rounds half to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 3.7, -3.7].map(roundHalfEven)).toEqual([
      0, 2, 2, 0, -2, -2, 2, 4, -4,
    ]);
    expect(Object.is(roundHalfEven(-0.4), 0)).toBe(true);
  });
});
