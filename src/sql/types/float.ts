/**
 * `real` (float4) and `double precision` (float8) text I/O and the conversions that must round exactly as
 * C does.
 *
 * Output is PostgreSQL 12+'s default (extra_float_digits = 1): the shortest decimal that reads back as the
 * same value (Ryu), printed like `%g` — fixed notation when the decimal exponent of the first digit is in
 * [−4, 15) for float8 and [−4, 6) for float4 (d2s.c / f2s.c `to_chars`), otherwise `d.ddde±XX` with at least
 * two exponent digits. float8 takes its digits from V8's Number→string, which is the same shortest-and-
 * closest decimal; float4 has no JS counterpart, so `shortestDecimal` finds it exactly with BigInt
 * arithmetic over the value's rounding interval (bounds included when the mantissa is even, as Ryu does).
 * The tests check `shortestDecimal` against V8 for doubles, which is what makes the float4 path
 * trustworthy.
 *
 * Input is float8in / float4in over glibc strtod / strtof: leading and trailing whitespace, `inf`,
 * `infinity`, `nan` in any case with an optional sign, decimal notation; a finite input that overflows, or
 * a non-zero input that underflows to zero, raises 22003 (denormals are accepted). glibc's hexadecimal
 * floats (`0x1.8p3`) are read too, since PostgreSQL on Linux accepts them.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { isCSpace } from '../c-characters.js';

const float32View = new Float32Array(1);
const float32Bits = new Uint32Array(float32View.buffer);
const float64View = new Float64Array(1);
const float64Bits = new BigUint64Array(float64View.buffer);

export type FloatFormat = 'float32' | 'float64';

/** A positive decimal `digits × 10^exponent`, `digits` without trailing zeros. */
export interface DecimalDigits {
  readonly digits: string;
  readonly exponent: number;
}

interface BinaryParts {
  /** Significand with the hidden bit: value = significand × 2^exponent. */
  readonly significand: bigint;
  readonly exponent: number;
  readonly storedMantissa: bigint;
  readonly storedExponent: number;
}

/** The IEEE fields of a positive finite value in the given format. */
function binaryParts(value: number, format: FloatFormat): BinaryParts {
  if (format === 'float32') {
    float32View[0] = value;
    const bits = float32Bits[0] ?? 0;
    const storedMantissa = bits & 0x7fffff;
    const storedExponent = (bits >>> 23) & 0xff;
    return {
      significand: BigInt(storedExponent === 0 ? storedMantissa : storedMantissa | 0x800000),
      exponent: (storedExponent === 0 ? 1 : storedExponent) - 127 - 23,
      storedMantissa: BigInt(storedMantissa),
      storedExponent,
    };
  }
  float64View[0] = value;
  const bits = float64Bits[0] ?? 0n;
  const storedMantissa = bits & ((1n << 52n) - 1n);
  const storedExponent = Number((bits >> 52n) & 0x7ffn);
  return {
    significand: storedExponent === 0 ? storedMantissa : storedMantissa | (1n << 52n),
    exponent: (storedExponent === 0 ? 1 : storedExponent) - 1023 - 52,
    storedMantissa,
    storedExponent,
  };
}

const powersOfTen: bigint[] = [1n];
function powerOfTen(exponent: number): bigint {
  // Output needs at most ~1100; long decimal inputs may need more, computed without caching.
  if (exponent > 1200) return 10n ** BigInt(exponent);
  while (powersOfTen.length <= exponent) powersOfTen.push((powersOfTen[powersOfTen.length - 1] as bigint) * 10n);
  return powersOfTen[exponent] as bigint;
}

/**
 * The shortest decimal that rounds back to `value` in `format` (value > 0, finite), and among those the
 * closest to it, ties to an even last digit — Ryu's result. Exact: the rounding interval
 * [(4m − 1 − δ)·2^(e−2), (4m + 2)·2^(e−2)] is searched for the largest power of ten that has a multiple
 * inside it.
 */
export function shortestDecimal(value: number, format: FloatFormat): DecimalDigits {
  const { significand, exponent, storedMantissa, storedExponent } = binaryParts(value, format);
  const includeBounds = (significand & 1n) === 0n;
  // At a power of two the gap below is half the gap above.
  const lowerShift = storedMantissa !== 0n || storedExponent <= 1 ? 1n : 0n;
  const middle = 4n * significand;
  const upper = middle + 2n;
  const lower = middle - 1n - lowerShift;
  const binaryExponent = exponent - 2;
  const numeratorScale = binaryExponent >= 0 ? 1n << BigInt(binaryExponent) : 1n;
  const denominator = binaryExponent >= 0 ? 1n : 1n << BigInt(-binaryExponent);

  for (let decimalExponent = Math.floor(Math.log10(value)) + 2; ; decimalExponent--) {
    const multiplier = decimalExponent >= 0 ? 1n : powerOfTen(-decimalExponent);
    const divisor = decimalExponent >= 0 ? denominator * powerOfTen(decimalExponent) : denominator;
    const low = lower * numeratorScale * multiplier;
    const high = upper * numeratorScale * multiplier;
    let lowest = low / divisor;
    if (lowest * divisor !== low || !includeBounds) lowest++;
    let highest = high / divisor;
    if (highest * divisor === high && !includeBounds) highest--;
    if (lowest > highest) continue;
    const exact = middle * numeratorScale * multiplier;
    let closest = exact / divisor;
    const twiceRemainder = 2n * (exact - closest * divisor);
    if (twiceRemainder > divisor || (twiceRemainder === divisor && (closest & 1n) === 1n)) closest++;
    if (closest < lowest) closest = lowest;
    if (closest > highest) closest = highest;
    return { digits: closest.toString(), exponent: decimalExponent };
  }
}

/** The shortest round-trip digits of a positive finite double, read off V8's Number→string. */
function shortestDecimalOfDouble(value: number): DecimalDigits {
  const text = String(value);
  const exponentAt = text.indexOf('e');
  const mantissa = exponentAt < 0 ? text : text.slice(0, exponentAt);
  let exponent = exponentAt < 0 ? 0 : Number(text.slice(exponentAt + 1));
  const pointAt = mantissa.indexOf('.');
  let digits = mantissa;
  if (pointAt >= 0) {
    digits = mantissa.slice(0, pointAt) + mantissa.slice(pointAt + 1);
    exponent -= mantissa.length - pointAt - 1;
  }
  digits = digits.replace(/^0+/, '');
  const trailing = /0+$/.exec(digits);
  if (trailing !== null) {
    digits = digits.slice(0, trailing.index);
    exponent += trailing[0].length;
  }
  return { digits, exponent };
}

/** d2s.c / f2s.c to_chars: fixed notation for a leading-digit exponent in [−4, fixedLimit), else `%e`-like. */
function formatDecimal({ digits, exponent }: DecimalDigits, fixedLimit: number): string {
  const length = digits.length;
  const leading = exponent + length - 1;
  if (leading >= -4 && leading < fixedLimit) {
    if (exponent >= 0) return digits + '0'.repeat(exponent);
    if (leading >= 0) return `${digits.slice(0, length + exponent)}.${digits.slice(length + exponent)}`;
    return `0.${'0'.repeat(-leading - 1)}${digits}`;
  }
  const mantissa = length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const magnitude = Math.abs(leading);
  return `${mantissa}e${leading < 0 ? '-' : '+'}${magnitude < 10 ? '0' : ''}${magnitude}`;
}

function formatSpecial(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  return undefined;
}

/** float8out: `0.1`, `1e-05`, `1e+15`, `123456789012345`, `1.2345678901234568e+20`, `-0`, `NaN`, `Infinity`. */
export function formatFloat8(value: number): string {
  const special = formatSpecial(value);
  if (special !== undefined) return special;
  const text = formatDecimal(shortestDecimalOfDouble(Math.abs(value)), 15);
  return value < 0 ? `-${text}` : text;
}

/** float4out: the shortest float32 round-trip digits, fixed notation below 1e+06: `1.5`, `100000`, `1e+06`. */
export function formatFloat4(value: number): string {
  const rounded = Math.fround(value);
  const special = formatSpecial(rounded);
  if (special !== undefined) return special;
  const text = formatDecimal(shortestDecimal(Math.abs(rounded), 'float32'), 6);
  return rounded < 0 ? `-${text}` : text;
}

// ---------------------------------------------------------------------------------------------------------
// Input


const SPECIAL_PATTERN = /^([+-]?)(infinity|inf|nan(?:\([0-9A-Za-z_]*\))?)/i;
const HEX_PATTERN = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/;
const DECIMAL_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

type FloatTypeName = 'double precision' | 'real';

function invalidFloatSyntax(typeName: FloatTypeName, text: string): KmerSearchError {
  return new KmerSearchError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${typeName}: "${text}"`,
  );
}

function floatInputOutOfRange(typeName: FloatTypeName, text: string): KmerSearchError {
  return new KmerSearchError(SqlState.numericValueOutOfRange, `"${text}" is out of range for type ${typeName}`);
}

/** What strtod consumed: a special spelling (its value), a hexadecimal or a decimal number (its text). */
type ScannedFloat =
  | { readonly kind: 'special'; readonly value: number }
  | { readonly kind: 'hexadecimal' | 'decimal'; readonly text: string };

/** strtod's scan plus float8in's checks for empty input and trailing junk. */
function scanFloat(text: string, typeName: FloatTypeName): ScannedFloat {
  let start = 0;
  while (isCSpace(text[start])) start++;
  const rest = text.slice(start);
  let consumed: string;
  let result: ScannedFloat;
  const special = SPECIAL_PATTERN.exec(rest);
  const hexadecimal = special === null ? HEX_PATTERN.exec(rest) : null;
  if (special !== null) {
    consumed = special[0];
    const word = (special[2] ?? '').toLowerCase();
    result = { kind: 'special', value: word.startsWith('nan') ? NaN : special[1] === '-' ? -Infinity : Infinity };
  } else if (hexadecimal !== null) {
    consumed = hexadecimal[0];
    result = { kind: 'hexadecimal', text: consumed };
  } else {
    const decimal = DECIMAL_PATTERN.exec(rest);
    if (decimal === null) throw invalidFloatSyntax(typeName, text);
    consumed = decimal[0];
    result = { kind: 'decimal', text: consumed };
  }
  let end = start + consumed.length;
  while (isCSpace(text[end])) end++;
  if (end !== text.length) throw invalidFloatSyntax(typeName, text);
  return result;
}

/** Whether the mantissa of a scanned number has a non-zero digit (a zero result is then an underflow). */
function hasNonZeroDigit(scanned: { readonly kind: 'hexadecimal' | 'decimal'; readonly text: string }): boolean {
  const digits = scanned.kind === 'hexadecimal' ? scanned.text.replace(/^[+-]?0[xX]/, '').split(/[pP]/)[0] : scanned.text.split(/[eE]/)[0];
  return /[1-9a-fA-F]/.test(digits ?? '');
}

/**
 * A C99 hexadecimal float (`0x1.8p3`), rounded to nearest-even in the format as glibc does: the value is
 * exactly mantissa × 2^exponent, cut to the format's significand at its quantum (subnormals included).
 */
function hexadecimalToFloat(text: string, format: FloatFormat): number {
  const match = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(text);
  const negative = match?.[1] === '-';
  const integerDigits = match?.[2] ?? '';
  const fractionDigits = match?.[3] ?? '';
  const mantissa = BigInt(`0x${integerDigits}${fractionDigits}` === '0x' ? '0' : `0x${integerDigits}${fractionDigits}`);
  const signed = (value: number): number => (negative ? -value : value);
  if (mantissa === 0n) return signed(0);
  // Exponents beyond ±1e7 overflow or underflow whatever the mantissa; clamp before arithmetic.
  const written = Math.max(-1e7, Math.min(1e7, Number(match?.[4] ?? '0')));
  const exponent = written - 4 * fractionDigits.length;
  const significandBits = format === 'float32' ? 24 : 53;
  const minimumExponent = format === 'float32' ? -126 : -1022;
  const maximumExponent = format === 'float32' ? 127 : 1023;
  const length = mantissa.toString(2).length;
  const leadingExponent = length - 1 + exponent;
  if (leadingExponent > maximumExponent) return signed(Infinity);
  const quantum = Math.max(leadingExponent, minimumExponent) - significandBits + 1;
  const shift = quantum - exponent;
  let significand: bigint;
  let scale: number;
  if (shift <= 0) {
    significand = mantissa;
    scale = exponent;
  } else if (shift > length) {
    return signed(0);
  } else {
    significand = mantissa >> BigInt(shift);
    const twiceRemainder = 2n * (mantissa - (significand << BigInt(shift)));
    const unit = 1n << BigInt(shift);
    if (twiceRemainder > unit || (twiceRemainder === unit && (significand & 1n) === 1n)) significand++;
    scale = quantum;
  }
  // significand has at most significandBits + 1 bits and scale ≥ the format's smallest quantum: exact.
  const value = Number(significand) * 2 ** scale;
  return signed(format === 'float32' ? Math.fround(value) : value);
}

/**
 * float8in: `invalid input syntax for type double precision: "…"` (22P02) or `"…" is out of range for type
 * double precision` (22003), the message quoting the input as given.
 */
export function parseFloat8(text: string): number {
  const scanned = scanFloat(text, 'double precision');
  if (scanned.kind === 'special') return scanned.value;
  const value = scanned.kind === 'decimal' ? Number(scanned.text) : hexadecimalToFloat(scanned.text, 'float64');
  if (!Number.isFinite(value) || (value === 0 && hasNonZeroDigit(scanned))) {
    throw floatInputOutOfRange('double precision', text);
  }
  return value;
}

/** float4in: like float8in, with float32 rounding straight from the decimal (as strtof does). */
export function parseFloat4(text: string): number {
  const scanned = scanFloat(text, 'real');
  if (scanned.kind === 'special') return scanned.value;
  const value = scanned.kind === 'decimal' ? decimalToFloat32(scanned.text) : hexadecimalToFloat(scanned.text, 'float32');
  if (!Number.isFinite(value) || (value === 0 && hasNonZeroDigit(scanned))) {
    throw floatInputOutOfRange('real', text);
  }
  return value;
}

const FLOAT32_MAX = 3.4028234663852886e38;
/** 2^128: where float32 rounding turns to infinity, treated as the value above FLT_MAX. */
const FLOAT32_OVERFLOW = 2 ** 128;

/** The float32 after (up) or before a non-negative float32 `value`, with 2^128 standing for infinity. */
function float32Step(value: number, up: boolean): number {
  if (up && value === FLOAT32_MAX) return FLOAT32_OVERFLOW;
  if (!up && value === FLOAT32_OVERFLOW) return FLOAT32_MAX;
  float32View[0] = value;
  const bits = float32Bits[0] ?? 0;
  float32Bits[0] = up ? bits + 1 : bits - 1;
  return float32View[0] ?? 0;
}

function float32MantissaIsEven(value: number): boolean {
  if (value === FLOAT32_OVERFLOW) return true;
  float32View[0] = value;
  return ((float32Bits[0] ?? 0) & 1) === 0;
}

/** Exact sign of (decimal − binary) for positive values, the decimal given as text. */
function compareDecimalWithDouble(decimal: string, binary: number): number {
  const match = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(decimal);
  const integerDigits = match?.[1] ?? '';
  const fractionDigits = match?.[2] ?? '';
  let decimalDigits = BigInt(`0${integerDigits}${fractionDigits}`);
  const decimalExponent = Number(match?.[3] ?? '0') - fractionDigits.length;
  const { significand, exponent } = binaryParts(binary, 'float64');
  let binaryDigits = significand;
  // Compare decimalDigits × 10^decimalExponent with significand × 2^exponent as integers.
  if (decimalExponent >= 0) decimalDigits *= powerOfTen(decimalExponent);
  else binaryDigits *= powerOfTen(-decimalExponent);
  if (exponent >= 0) binaryDigits <<= BigInt(exponent);
  else decimalDigits <<= BigInt(-exponent);
  return decimalDigits < binaryDigits ? -1 : decimalDigits > binaryDigits ? 1 : 0;
}

/**
 * Rounds a double to float32 when the double itself came from rounding an exact value (a decimal, an
 * int64): Math.fround is right unless the double sits exactly on a float32 midpoint, where only the exact
 * source can decide (ties to even). `compareWithExact(midpoint)` is the sign of |exact| − midpoint.
 */
function roundToFloat32Exactly(nearestDouble: number, compareWithExact: (midpoint: number) => number): number {
  const magnitude = Math.abs(nearestDouble);
  const rounded = Math.fround(magnitude);
  if (rounded === magnitude || !Number.isFinite(magnitude)) return Math.fround(nearestDouble);
  const roundedStep = rounded === Infinity ? FLOAT32_OVERFLOW : rounded;
  const below = roundedStep < magnitude ? roundedStep : float32Step(roundedStep, false);
  const above = roundedStep < magnitude ? float32Step(roundedStep, true) : roundedStep;
  let result = rounded;
  const midpoint = (below + above) / 2;
  if (magnitude === midpoint) {
    const side = compareWithExact(midpoint);
    const chosen = side < 0 ? below : side > 0 ? above : float32MantissaIsEven(below) ? below : above;
    result = chosen === FLOAT32_OVERFLOW ? Infinity : chosen;
  }
  return nearestDouble < 0 ? -result : result;
}

/** strtof: the float32 nearest to a decimal text (ties to even), avoiding the decimal→double→float trap. */
export function decimalToFloat32(decimal: string): number {
  const nearestDouble = Number(decimal);
  const unsigned = decimal.replace(/^[+-]/, '');
  return roundToFloat32Exactly(nearestDouble, (midpoint) => compareDecimalWithDouble(unsigned, midpoint));
}

/** C's `(float4) int64`: the nearest float32 (ties to even). */
export function bigintToFloat32(value: bigint): number {
  const nearestDouble = Number(value);
  const magnitude = value < 0n ? -value : value;
  return roundToFloat32Exactly(nearestDouble, (midpoint) => {
    const midpointInteger = BigInt(midpoint);
    return magnitude < midpointInteger ? -1 : magnitude > midpointInteger ? 1 : 0;
  });
}

/**
 * The exact decimal of a finite double, rounded half to even to `significantDigits` digits and stripped of
 * trailing zeros: glibc's `%.{n}g`, which float8_numeric (n = 15) and float4_numeric (n = 6) use.
 * Returns the signed digits and the exponent of the last digit; zero is `{ digits: 0n, exponent: 0 }`.
 */
export function roundedDecimalOfDouble(value: number, significantDigits: number): { digits: bigint; exponent: number } {
  if (value === 0) return { digits: 0n, exponent: 0 };
  const { significand, exponent } = binaryParts(Math.abs(value), 'float64');
  let digits: bigint;
  let decimalExponent: number;
  if (exponent >= 0) {
    digits = significand << BigInt(exponent);
    decimalExponent = 0;
  } else {
    // m / 2^k = m × 5^k / 10^k
    digits = significand * 5n ** BigInt(-exponent);
    decimalExponent = exponent;
  }
  const length = digits.toString().length;
  if (length > significantDigits) {
    const dropped = length - significantDigits;
    const divisor = powerOfTen(dropped);
    let quotient = digits / divisor;
    const twiceRemainder = 2n * (digits - quotient * divisor);
    if (twiceRemainder > divisor || (twiceRemainder === divisor && (quotient & 1n) === 1n)) quotient++;
    digits = quotient;
    decimalExponent += dropped;
  }
  while (digits % 10n === 0n) {
    digits /= 10n;
    decimalExponent++;
  }
  return { digits: value < 0 ? -digits : digits, exponent: decimalExponent };
}

// ---------------------------------------------------------------------------------------------------------
// Conversions and checks shared by casts and arithmetic

function floatOverflow(): KmerSearchError {
  return new KmerSearchError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
}

function floatUnderflow(): KmerSearchError {
  return new KmerSearchError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
}

/** float8 → float4 (float8_to_float4): rounds, and raises 22003 on overflow or underflow to zero. */
export function float8ToFloat4(value: number): number {
  const result = Math.fround(value);
  if (!Number.isFinite(result) && Number.isFinite(value)) throw floatOverflow();
  if (result === 0 && value !== 0) throw floatUnderflow();
  return result;
}

/**
 * float.h check_float8_val / check_float4_val after an operation: infinite results from finite inputs are
 * overflow, zero results from non-zero inputs underflow (when the operation can underflow).
 */
export function checkFloatResult(
  result: number,
  inputsWereInfinite: boolean,
  zeroIsUnderflow: boolean,
): number {
  if (!Number.isFinite(result) && !Number.isNaN(result) && !inputsWereInfinite) throw floatOverflow();
  if (result === 0 && zeroIsUnderflow) throw floatUnderflow();
  return result;
}

/** C rint(): round half to even, as float → integer casts do. */
export function roundHalfEven(value: number): number {
  if (!Number.isFinite(value)) return value;
  const floor = Math.floor(value);
  const fraction = value - floor;
  const rounded = fraction < 0.5 ? floor : fraction > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  return rounded === 0 ? 0 : rounded;
}
