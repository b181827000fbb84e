/**
 * sqrt and power on `numeric` with PostgreSQL 15's result scales (numeric.c numeric_sqrt, numeric_power,
 * power_var, power_var_int): the scale is chosen from an estimate of the result's weight so that at least 16
 * significant digits are kept, never less than the inputs' scales, at most 1000. The digits themselves are
 * computed here with BigInt — exactly where that is cheap, otherwise with enough guard digits — and rounded
 * half away from zero, so the printed values equal PostgreSQL's.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { Numeric, powerOfTen } from '../numeric.js';

/** ERRCODE_INVALID_ARGUMENT_FOR_POWER_FUNCTION. */
const INVALID_ARGUMENT_FOR_POWER = '2201F';
/** NUMERIC_MIN_SIG_DIGITS */
const MIN_SIGNIFICANT_DIGITS = 16;
/** NUMERIC_MAX_DISPLAY_SCALE */
const MAX_DISPLAY_SCALE = 1000;
/** NUMERIC_MAX_RESULT_SCALE */
const MAX_RESULT_SCALE = 2000;
/** Extra digits carried through approximate computations before the final rounding. */
const GUARD_DIGITS = 12;

function overflow(): KmerSearchError {
  return new KmerSearchError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function digitCount(value: bigint): number {
  return value === 0n ? 1 : absolute(value).toString().length;
}

/** numerator / denominator rounded half away from zero (denominator > 0). */
function roundDivide(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator - quotient * denominator;
  if (absolute(remainder) * 2n >= denominator) return numerator < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}

/** Floor of the square root of a non-negative bigint (Newton's method from above, which descends monotonically). */
function integerSquareRoot(value: bigint): bigint {
  if (value < 2n) return value;
  if (value < 1n << 52n) {
    let root = BigInt(Math.floor(Math.sqrt(Number(value))));
    while (root * root > value) root--;
    while ((root + 1n) * (root + 1n) <= value) root++;
    return root;
  }
  const bits = value.toString(16).length * 4;
  let root = 1n << BigInt(Math.ceil(bits / 2));
  for (;;) {
    const next = (root + value / root) >> 1n;
    if (next >= root) return root;
    root = next;
  }
}

/** log10 of a positive finite numeric, as a double (for scale estimates only). */
function approximateLog10(value: Numeric): number {
  const digits = absolute(value.unscaled).toString();
  const leading = Number(digits.slice(0, 17));
  return Math.log10(leading) + (digits.length - Math.min(digits.length, 17)) - value.scale;
}

/** A value m × 10^e, used for intermediate results whose size is unbounded (powers). */
interface Scientific {
  readonly mantissa: bigint;
  readonly exponent: number;
}

/** Keeps at most `digits` significant digits (truncating), so that repeated products stay small. */
function truncateDigits(value: Scientific, digits: number): Scientific {
  const excess = digitCount(value.mantissa) - digits;
  if (excess <= 0) return value;
  return { mantissa: value.mantissa / powerOfTen(excess), exponent: value.exponent + excess };
}

function multiply(left: Scientific, right: Scientific, digits: number): Scientific {
  return truncateDigits({ mantissa: left.mantissa * right.mantissa, exponent: left.exponent + right.exponent }, digits);
}

/** m × 10^e at `scale` decimal places, rounded half away from zero. */
function scientificToNumeric(value: Scientific, scale: number): Numeric {
  const shift = value.exponent + scale;
  if (shift >= 0) return Numeric.of(value.mantissa * powerOfTen(shift), scale);
  return Numeric.of(roundDivide(value.mantissa, powerOfTen(-shift)), scale);
}

/** 1 / (m × 10^e) at `scale` decimal places, rounded half away from zero. */
function reciprocalToNumeric(value: Scientific, scale: number): Numeric {
  const shift = scale - value.exponent;
  const numerator = shift >= 0 ? powerOfTen(shift) : 1n;
  const denominator = shift >= 0 ? value.mantissa : value.mantissa * powerOfTen(-shift);
  const sign = denominator < 0n ? -1n : 1n;
  return Numeric.of(sign * roundDivide(numerator, absolute(denominator)), scale);
}

function clampScale(scale: number): number {
  return Math.min(Math.max(scale, 0), MAX_DISPLAY_SCALE);
}

// ---------------------------------------------------------------------------------------------------------
// sqrt

/** numeric_sqrt: scale from the input's base-10000 weight, at least the input's scale. */
export function numericSquareRoot(value: Numeric): Numeric {
  if (value.isNaN() || value.kind === 'infinity') return value;
  if (value.sign() < 0) {
    throw new KmerSearchError(INVALID_ARGUMENT_FOR_POWER, 'cannot take square root of a negative number');
  }
  const weight = value.baseTenThousandLead().weight;
  // C's integer division truncates toward zero; (weight + 1) × 4 is even, so this is exact.
  const resultWeight = ((weight + 1) * 4) / 2 - 1;
  const scale = clampScale(Math.max(MIN_SIGNIFICANT_DIGITS - resultWeight, value.scale));
  // floor(sqrt(x) × 10^(scale + 1)), then round on the extra digit.
  const root = integerSquareRoot(value.unscaled * powerOfTen(2 * (scale + 1) - value.scale));
  return Numeric.of(roundDivide(root, 10n), scale);
}

// ---------------------------------------------------------------------------------------------------------
// Fixed-point logarithm and exponential (value = v / 10^scale)

function fixedOne(scale: number): bigint {
  return powerOfTen(scale);
}

/** ln(m) for 1 ≤ m < 10 (fixed point): square roots down to near 1, then the atanh series. */
function fixedLogOfMantissa(mantissa: bigint, scale: number): bigint {
  const one = fixedOne(scale);
  const threshold = one + one / 100n;
  let value = mantissa;
  let halvings = 0;
  while (value > threshold) {
    value = integerSquareRoot(value * one);
    halvings++;
  }
  // ln(v) = 2 atanh(z), z = (v − 1) / (v + 1).
  const z = ((value - one) * one) / (value + one);
  const zSquared = (z * z) / one;
  let term = z;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = (term * zSquared) / one;
  }
  return 2n * sum * (1n << BigInt(halvings));
}

const logTenCache = new Map<number, bigint>();

function fixedLogTen(scale: number): bigint {
  let cached = logTenCache.get(scale);
  if (cached === undefined) {
    const extra = scale + 6;
    // ln 10 = ln(10 / 8) + 3 ln 2 = ln 1.25 + 3 ln 2, both mantissas in [1, 10).
    const value =
      fixedLogOfMantissa((fixedOne(extra) * 5n) / 4n, extra) + 3n * fixedLogOfMantissa(2n * fixedOne(extra), extra);
    cached = value / powerOfTen(6);
    if (logTenCache.size > 64) logTenCache.clear();
    logTenCache.set(scale, cached);
  }
  return cached;
}

/** ln(x) of a positive finite numeric, fixed point at `scale`, accurate to a few units in the last place. */
function fixedLog(value: Numeric, scale: number): bigint {
  const working = scale + 8;
  const digits = digitCount(value.unscaled);
  const decimalExponent = digits - 1 - value.scale;
  // mantissa = unscaled / 10^(digits − 1) in [1, 10)
  const shift = working - (digits - 1);
  const mantissa = shift >= 0 ? value.unscaled * powerOfTen(shift) : value.unscaled / powerOfTen(-shift);
  const logarithm = fixedLogOfMantissa(mantissa, working) + BigInt(decimalExponent) * fixedLogTen(working);
  return logarithm / powerOfTen(8);
}

/** floor(a / b) for bigints (b > 0). */
function floorDivide(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a < 0n && quotient * b !== a ? quotient - 1n : quotient;
}

/**
 * e^z for z fixed point at `scale`, as m × 10^e with about `scale` significant digits (an absolute error of
 * 10^−scale in z is a relative error of 10^−scale in e^z, so both precisions are the same number).
 */
function fixedExp(z: bigint, scale: number): Scientific {
  const working = scale + 8;
  const one = fixedOne(working);
  const zWorking = z * powerOfTen(8);
  const logTen = fixedLogTen(working);
  const decimalExponent = floorDivide(zWorking, logTen);
  let remainder = zWorking - decimalExponent * logTen; // in [0, ln 10)
  let halvings = 0;
  while (remainder > one / 100n) {
    remainder /= 2n;
    halvings++;
  }
  let term = one;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n++) {
    sum += term;
    term = (term * remainder) / (one * n);
  }
  for (let index = 0; index < halvings; index++) sum = (sum * sum) / one;
  return { mantissa: sum, exponent: Number(decimalExponent) - working };
}

// ---------------------------------------------------------------------------------------------------------
// power

function invalidPower(message: string): KmerSearchError {
  return new KmerSearchError(INVALID_ARGUMENT_FOR_POWER, message);
}

function isIntegral(value: Numeric): boolean {
  return value.isFinite() && (value.scale === 0 || value.unscaled % powerOfTen(value.scale) === 0n);
}

function integerPart(value: Numeric): bigint {
  return value.unscaled / powerOfTen(value.scale);
}

const ONE = Numeric.of(1n);

/** numeric_power's NaN and infinity rules (POSIX pow(3)); undefined when both inputs are finite. */
function specialPower(base: Numeric, exponent: Numeric): Numeric | undefined {
  if (base.isNaN()) return !exponent.isNaN() && exponent.isFinite() && exponent.sign() === 0 ? ONE : Numeric.NaN;
  if (exponent.isNaN()) return base.isFinite() && base.compare(ONE) === 0 ? ONE : Numeric.NaN;
  if (base.isFinite() && exponent.isFinite()) return undefined;
  if (base.sign() === 0 && exponent.sign() < 0) throw invalidPower('zero raised to a negative power is undefined');
  if (exponent.isInfinite()) {
    const magnitude = base.isInfinite() ? 1 : base.abs().compare(ONE);
    if (magnitude === 0) return ONE;
    if (exponent.kind === 'infinity') return magnitude > 0 ? Numeric.Infinity : Numeric.Zero;
    return magnitude > 0 ? Numeric.Zero : Numeric.Infinity;
  }
  // The base is infinite, the exponent finite.
  if (exponent.sign() === 0) return ONE;
  if (base.kind === 'infinity') return exponent.sign() > 0 ? Numeric.Infinity : Numeric.Zero;
  if (!isIntegral(exponent)) throw invalidPower('a negative number raised to a non-integer power yields a complex result');
  if (exponent.sign() < 0) return Numeric.Zero;
  return integerPart(exponent) % 2n !== 0n ? Numeric.NegativeInfinity : Numeric.Infinity;
}

/** power_var_int: base ^ exponent for an int4 exponent, at `scale`. */
function integerPower(base: Numeric, exponent: number, scale: number): Numeric {
  if (exponent === 0) return ONE.withScale(scale);
  if (base.sign() === 0) return Numeric.Zero.withScale(scale);
  const estimate = exponent * approximateLog10(base.abs());
  if (estimate > 3 * 32767 * 4) throw overflow();
  if (estimate + 1 < -scale || estimate + 1 < -MAX_DISPLAY_SCALE) return Numeric.Zero.withScale(scale);
  const significantDigits =
    Math.max(1 + scale + Math.trunc(estimate), 0) + Math.trunc(Math.log(Math.abs(exponent))) + 8 + GUARD_DIGITS;
  let power: Scientific = { mantissa: 1n, exponent: 0 };
  let square: Scientific = { mantissa: base.unscaled, exponent: -base.scale };
  for (let remaining = Math.abs(exponent); remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) power = multiply(power, square, significantDigits);
    if (remaining > 1) square = multiply(square, square, significantDigits);
  }
  return exponent > 0 ? scientificToNumeric(power, scale) : reciprocalToNumeric(power, scale);
}

/** power_var for a non-integer (or beyond-int4) exponent: e^(exponent × ln |base|). */
function generalPower(base: Numeric, exponent: Numeric, negativeResult: boolean): Numeric {
  if (base.sign() === 0) return Numeric.Zero.withScale(MIN_SIGNIFICANT_DIGITS);
  const naturalExponent = Number(exponent.toString()) * approximateLog10(base) * Math.LN10;
  if (Math.abs(naturalExponent) > MAX_RESULT_SCALE * 3.01) {
    if (naturalExponent > 0) throw overflow();
    return Numeric.Zero.withScale(MAX_DISPLAY_SCALE);
  }
  const resultWeight = naturalExponent * 0.434294481903252;
  const scale = clampScale(Math.max(MIN_SIGNIFICANT_DIGITS - Math.trunc(resultWeight), base.scale, exponent.scale));
  // Digits of the result that matter: its integer digits plus `scale` decimals.
  const exponentPrecision = Math.max(scale + Math.ceil(resultWeight), 1) + GUARD_DIGITS;
  const logScale = exponentPrecision + digitCount(integerPart(exponent)) + 2;
  const logarithm = fixedLog(base, logScale);
  // z = exponent × ln(base), fixed point at exponentPrecision.
  const product = logarithm * exponent.unscaled;
  const z = product / powerOfTen(exponent.scale + logScale - exponentPrecision);
  const value = scientificToNumeric(fixedExp(z, exponentPrecision), scale);
  return negativeResult ? value.negate() : value;
}

/** numeric_power (PostgreSQL 15). */
export function numericPower(base: Numeric, exponent: Numeric): Numeric {
  const special = specialPower(base, exponent);
  if (special !== undefined) return special;
  if (base.sign() === 0 && exponent.sign() < 0) throw invalidPower('zero raised to a negative power is undefined');
  const integral = isIntegral(exponent);
  if (base.sign() < 0 && !integral) {
    throw invalidPower('a negative number raised to a non-integer power yields a complex result');
  }
  if (integral) {
    const whole = integerPart(exponent);
    if (whole >= -2147483648n && whole <= 2147483647n) {
      const scale = clampScale(Math.max(MIN_SIGNIFICANT_DIGITS, base.scale));
      return integerPower(base, Number(whole), scale);
    }
  }
  const negativeResult = base.sign() < 0 && integerPart(exponent) % 2n !== 0n;
  return generalPower(base.abs(), exponent, negativeResult);
}
