import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cStrtod,
  cStrtol,
  formatIntegerWithUnit,
  parseIntegerSetting,
  parsePostgresBoolean,
  parseRealSetting,
  roundHalfEven,
} from '../../src/settings/index.js';

describe('roundHalfEven (C rint)', () => {
  it.each([
    [4.6, 5],
    [4.5, 4],
    [5.5, 6],
    [-4.5, -4],
    [-5.5, -6],
    [0.5, 0],
    [1.5, 2],
    [2.4999999999999996, 2],
    [-0.4, -0],
    [0.4, 0],
  ])('%s → %s', (value, expected) => {
    expect(roundHalfEven(value)).toBe(expected);
  });
});

describe('cStrtol (base 0)', () => {
  it('reads hex, octal and decimal with optional spaces and sign', () => {
    expect(cStrtol('0x0a')).toEqual({ value: 10, end: 4, outOfRange: false });
    expect(cStrtol('  -0X1F!')).toEqual({ value: -31, end: 7, outOfRange: false });
    expect(cStrtol('010')).toEqual({ value: 8, end: 3, outOfRange: false });
    expect(cStrtol('08')).toEqual({ value: 0, end: 1, outOfRange: false });
    expect(cStrtol('0x')).toEqual({ value: 0, end: 1, outOfRange: false });
    expect(cStrtol('+42abc')).toEqual({ value: 42, end: 3, outOfRange: false });
  });

  it('reports no digits with end 0, even after spaces', () => {
    expect(cStrtol('  .5').end).toBe(0);
    expect(cStrtol('-').end).toBe(0);
    expect(cStrtol('').end).toBe(0);
  });

  it('reports overflow of a 64-bit long', () => {
    expect(cStrtol('9223372036854775807').outOfRange).toBe(false);
    expect(cStrtol('9223372036854775808').outOfRange).toBe(true);
    expect(cStrtol('-9223372036854775809').outOfRange).toBe(true);
  });
});

describe('cStrtod', () => {
  it('reads decimal, hexadecimal, infinity and nan prefixes', () => {
    expect(cStrtod('1.5e3x')).toEqual({ value: 1500, end: 5, outOfRange: false });
    expect(cStrtod('1e')).toEqual({ value: 1, end: 1, outOfRange: false });
    expect(cStrtod('1e+')).toEqual({ value: 1, end: 1, outOfRange: false });
    expect(cStrtod('.5')).toEqual({ value: 0.5, end: 2, outOfRange: false });
    expect(cStrtod('5.')).toEqual({ value: 5, end: 2, outOfRange: false });
    expect(cStrtod('0x1.8p1')).toEqual({ value: 3, end: 7, outOfRange: false });
    expect(cStrtod('0x.8')).toEqual({ value: 0.5, end: 4, outOfRange: false });
    expect(cStrtod('0xg')).toEqual({ value: 0, end: 1, outOfRange: false });
    expect(cStrtod('-Infinity')).toEqual({ value: -Infinity, end: 9, outOfRange: false });
    expect(cStrtod('inFx')).toEqual({ value: Infinity, end: 3, outOfRange: false });
    expect(Number.isNaN(cStrtod('nan(123)').value)).toBe(true);
    expect(cStrtod('nan(123)').end).toBe(8);
    expect(cStrtod('.').end).toBe(0);
  });

  it('reports overflow and inexact underflow as ERANGE, but not exact subnormals', () => {
    expect(cStrtod('1e309').outOfRange).toBe(true);
    expect(cStrtod('1e-400').outOfRange).toBe(true);
    expect(cStrtod('1e-310').outOfRange).toBe(true);
    expect(cStrtod('0x1p-1074')).toEqual({ value: 5e-324, end: 9, outOfRange: false });
    expect(cStrtod('0x1p-1075').outOfRange).toBe(true);
    expect(cStrtod('0e-400').outOfRange).toBe(false);
  });

  it('agrees with Number() on decimal strings', () => {
    fc.assert(
      // String(-0) is "0", so negative zero cannot round-trip through its JavaScript spelling.
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Object.is(value, -0)), (value) => {
        const text = String(value);
        const parsed = cStrtod(text);
        expect(parsed.end).toBe(text.length);
        expect(Object.is(parsed.value, value)).toBe(true);
      }),
    );
  });
});

describe('parsePostgresBoolean (parse_bool)', () => {
  it.each([
    ['on', true],
    ['ON', true],
    ['off', false],
    ['of', false],
    ['true', true],
    ['t', true],
    ['TrU', true],
    ['false', false],
    ['f', false],
    ['yes', true],
    ['y', true],
    ['no', false],
    ['n', false],
    ['1', true],
    ['0', false],
  ])('%s → %s', (text, expected) => {
    expect(parsePostgresBoolean(text)).toBe(expected);
  });

  it.each(['o', 'onx', 'offf', 'truex', '', ' on', 'on ', '10', '2', 'yess', 'nope'])('rejects %j', (text) => {
    expect(parsePostgresBoolean(text)).toBeUndefined();
  });
});

describe('parseIntegerSetting (parse_int)', () => {
  it.each([
    ['4.6', 5],
    ['4.5', 4],
    ['5.5', 6],
    ['0x0a', 10],
    ['010', 8],
    [' 5 ', 5],
    ['.5', 0],
    ['1e3', 1000],
    ['0x1.8', 2],
    ['-3', -3],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
  ])('%j → %s', (text, expected) => {
    expect(parseIntegerSetting(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['abc', '', ' .5', '08', '1e', '0x', '5x', '5 5', 'nan', 'inf', '1.5e'])('rejects %j without a hint', (text) => {
    expect(parseIntegerSetting(text)).toEqual({ ok: false });
  });

  it('rejects values beyond int32 with the integer-range hint', () => {
    expect(parseIntegerSetting('2147483648')).toEqual({ ok: false, hint: 'Value exceeds integer range.' });
    expect(parseIntegerSetting('99999999999999999999')).toEqual({ ok: false, hint: 'Value exceeds integer range.' });
    expect(parseIntegerSetting('1e10')).toEqual({ ok: false, hint: 'Value exceeds integer range.' });
  });

  it('converts memory units to kB, rounding fractions to the next smaller unit', () => {
    expect(parseIntegerSetting('64MB', 'kB')).toEqual({ ok: true, value: 65536 });
    expect(parseIntegerSetting('1GB', 'kB')).toEqual({ ok: true, value: 1048576 });
    expect(parseIntegerSetting('1024kB', 'kB')).toEqual({ ok: true, value: 1024 });
    expect(parseIntegerSetting('64 MB ', 'kB')).toEqual({ ok: true, value: 65536 });
    expect(parseIntegerSetting('1.5kB', 'kB')).toEqual({ ok: true, value: 2 });
    expect(parseIntegerSetting('1500B', 'kB')).toEqual({ ok: true, value: 1 });
    expect(parseIntegerSetting('0.5MB', 'kB')).toEqual({ ok: true, value: 512 });
    expect(parseIntegerSetting('2048', 'kB')).toEqual({ ok: true, value: 2048 });
  });

  it('converts time units to ms', () => {
    expect(parseIntegerSetting('5s', 'ms')).toEqual({ ok: true, value: 5000 });
    expect(parseIntegerSetting('1min', 'ms')).toEqual({ ok: true, value: 60000 });
    expect(parseIntegerSetting('1.5 s', 'ms')).toEqual({ ok: true, value: 1500 });
    expect(parseIntegerSetting('2h', 'ms')).toEqual({ ok: true, value: 7200000 });
    expect(parseIntegerSetting('1d', 'ms')).toEqual({ ok: true, value: 86400000 });
    expect(parseIntegerSetting('0.0015s', 'ms')).toEqual({ ok: true, value: 2 });
    expect(parseIntegerSetting('2500us', 'ms')).toEqual({ ok: true, value: 2 });
  });

  it('rejects unknown or garbled units with the unit hint (units are case-sensitive)', () => {
    const memoryHint = 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".';
    const timeHint = 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".';
    expect(parseIntegerSetting('64mb', 'kB')).toEqual({ ok: false, hint: memoryHint });
    expect(parseIntegerSetting('64 MBx', 'kB')).toEqual({ ok: false, hint: memoryHint });
    expect(parseIntegerSetting('64 MB x', 'kB')).toEqual({ ok: false, hint: memoryHint });
    expect(parseIntegerSetting('5sec', 'ms')).toEqual({ ok: false, hint: timeHint });
    expect(parseIntegerSetting('3TB', 'kB')).toEqual({ ok: false, hint: 'Value exceeds integer range.' });
    expect(parseIntegerSetting('30d', 'ms')).toEqual({ ok: false, hint: 'Value exceeds integer range.' });
  });
});

describe('parseRealSetting (parse_real)', () => {
  it('accepts strtod syntax with surrounding spaces', () => {
    expect(parseRealSetting(' 0.25 ')).toEqual({ ok: true, value: 0.25 });
    expect(parseRealSetting('1e-1')).toEqual({ ok: true, value: 0.1 });
    expect(parseRealSetting('0x0.8')).toEqual({ ok: true, value: 0.5 });
    expect(parseRealSetting('inf')).toEqual({ ok: true, value: Infinity });
  });

  it.each(['abc', '', 'nan', '0.5x', '1e400', '1e-400'])('rejects %j', (text) => {
    expect(parseRealSetting(text)).toEqual({ ok: false });
  });
});

describe('formatIntegerWithUnit (SHOW of memory and time settings)', () => {
  it.each([
    [65536, 'kB', '64MB'],
    [1048576, 'kB', '1GB'],
    [1500, 'kB', '1500kB'],
    [1024, 'kB', '1MB'],
    [2147483647, 'kB', '2147483647kB'],
    [0, 'ms', '0'],
    [5000, 'ms', '5s'],
    [60000, 'ms', '1min'],
    [1500, 'ms', '1500ms'],
    [3600000, 'ms', '1h'],
    [86400000, 'ms', '1d'],
    [90000, 'ms', '90s'],
  ] as const)('%s %s → %s', (value, unit, expected) => {
    expect(formatIntegerWithUnit(value, unit)).toBe(expected);
  });

  it('prints settings without a unit as plain integers', () => {
    expect(formatIntegerWithUnit(-1, undefined)).toBe('-1');
    expect(formatIntegerWithUnit(50000, undefined)).toBe('50000');
  });
});
