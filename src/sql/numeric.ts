/**
 * PostgreSQL's `numeric`: an exact decimal with a display scale, plus NaN and ±Infinity (PostgreSQL 14+).
 *
 * A finite value is `unscaled / 10^scale` with `scale` ≥ 0 being PostgreSQL's dscale, the number of digits
 * printed after the point — so `1.50` and `1.5` are equal but print differently, as in PostgreSQL. BigInt
 * holds the digits: numeric is never on a hot path here (k-mer work uses plain numbers), and exactness is
 * the whole point of the type.
 *
 * The rules reproduced are numeric.c's: numeric_in / set_var_from_str (what text is accepted, and the scale
 * a literal gets), numeric_out, the result scales of + − × (max, max, sum of the inputs' scales), division
 * with select_div_scale (at least 16 significant digits) rounded half away from zero, mod as
 * `x − trunc(x / y) × y`, the NaN/Infinity arithmetic of PostgreSQL 14, round_var (half away from zero),
 * apply_typmod for `numeric(p, s)`, and make_result's format limits (`value overflows numeric format`).
 *
 * This file depends on src/errors.ts only, so that a lower layer (storage) could use it unchanged.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import { isCSpace } from './c-characters.js';

/** select_div_scale: a quotient gets at least this many significant digits (numeric.c NUMERIC_MIN_SIG_DIGITS). */
const MIN_SIGNIFICANT_DIGITS = 16;
/** Upper bound of a division's chosen scale (NUMERIC_MAX_DISPLAY_SCALE). */
const MAX_DISPLAY_SCALE = 1000;
/** dscale is stored in 14 bits (NUMERIC_DSCALE_MAX). */
const MAX_STORED_SCALE = 0x3fff;
/** Weight is an int16 count of base-10000 digits, so at most 4 × 32768 decimal digits before the point. */
const MAX_INTEGER_DIGITS = 4 * 32768;
/** set_var_from_str rejects exponents this large before they can overflow its int arithmetic (INT_MAX / 2). */
const MAX_EXPONENT = 1073741823;

const powersOfTen: bigint[] = [1n];

/** 10^exponent as a bigint (exponent ≥ 0), cached: scales are small and repeat. */
export function powerOfTen(exponent: number): bigint {
  if (exponent < powersOfTen.length) return powersOfTen[exponent] as bigint;
  if (exponent > 4096) return 10n ** BigInt(exponent);
  let value = powersOfTen[powersOfTen.length - 1] as bigint;
  for (let next = powersOfTen.length; next <= exponent; next++) {
    value *= 10n;
    powersOfTen.push(value);
  }
  return value;
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/** Number of decimal digits of |value| (1 for zero). */
function digitCount(value: bigint): number {
  return absolute(value).toString().length;
}

/** unscaled / 10^shift rounded half away from zero (round_var's rule). */
function divideRoundHalfAway(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  const remainder = value - quotient * divisor;
  if (absolute(remainder) * 2n >= divisor) return value < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}


function isDigit(character: string | undefined): boolean {
  return character !== undefined && character >= '0' && character <= '9';
}

function invalidNumericSyntax(text: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidTextRepresentation, `invalid input syntax for type numeric: "${text}"`);
}

function numericFormatOverflow(): KmerSearchError {
  return new KmerSearchError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
}

function divisionByZero(): KmerSearchError {
  return new KmerSearchError(SqlState.divisionByZero, 'division by zero');
}

/** The spellings of the special values numeric_in accepts (the same as float8in), longest first where they overlap. */
const SPECIAL_SPELLINGS: readonly (readonly [string, NumericKind])[] = [
  ['nan', 'nan'],
  ['infinity', 'infinity'],
  ['+infinity', 'infinity'],
  ['-infinity', '-infinity'],
  ['inf', 'infinity'],
  ['+inf', 'infinity'],
  ['-inf', '-infinity'],
];

export type NumericKind = 'finite' | 'nan' | 'infinity' | '-infinity';

export class Numeric {
  /** NaN: equal to itself and greater than every other value, as PostgreSQL sorts it. */
  static readonly NaN = new Numeric('nan', 0n, 0);
  static readonly Infinity = new Numeric('infinity', 0n, 0);
  static readonly NegativeInfinity = new Numeric('-infinity', 0n, 0);
  static readonly Zero = new Numeric('finite', 0n, 0);

  private constructor(
    readonly kind: NumericKind,
    /** The digits: value = unscaled / 10^scale (0n for the special values). */
    readonly unscaled: bigint,
    /** PostgreSQL's display scale: digits printed after the point, ≥ 0. */
    readonly scale: number,
  ) {
    Object.freeze(this);
  }

  /**
   * unscaled / 10^scale. A negative scale is folded into the digits (the value keeps scale 0), because
   * PostgreSQL never stores a negative display scale. Throws 22003 when the value exceeds numeric's format.
   */
  static of(unscaled: bigint, scale = 0): Numeric {
    if (scale < 0) return Numeric.checked(unscaled * powerOfTen(-scale), 0);
    return Numeric.checked(unscaled, scale);
  }

  static fromInteger(value: number | bigint): Numeric {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new KmerSearchError(SqlState.internalError, `not an integer: ${value}`);
    }
    return new Numeric('finite', BigInt(value), 0);
  }

  /** make_result's limits: at most 16383 digits after the point and 131072 before it. */
  private static checked(unscaled: bigint, scale: number): Numeric {
    if (scale > MAX_STORED_SCALE) throw numericFormatOverflow();
    if (unscaled !== 0n && digitCount(unscaled) - scale > MAX_INTEGER_DIGITS) throw numericFormatOverflow();
    return new Numeric('finite', unscaled, scale);
  }

  /**
   * numeric_in: leading and trailing whitespace, an optional sign, digits with at most one point (`1.`,
   * `.5`), an optional exponent (`1.5e-3` has scale 4: the digits after the point minus the exponent, at
   * least 0), and the special spellings NaN, [+-]Infinity, [+-]inf in any case. Errors are numeric_in's.
   */
  static parse(text: string): Numeric {
    let position = 0;
    while (isCSpace(text[position])) position++;
    const rest = text.slice(position).toLowerCase();
    for (const [spelling, kind] of SPECIAL_SPELLINGS) {
      if (rest.startsWith(spelling)) {
        let end = position + spelling.length;
        while (isCSpace(text[end])) end++;
        if (end !== text.length) throw invalidNumericSyntax(text);
        return kind === 'nan' ? Numeric.NaN : kind === 'infinity' ? Numeric.Infinity : Numeric.NegativeInfinity;
      }
    }

    let negative = false;
    if (text[position] === '+' || text[position] === '-') {
      negative = text[position] === '-';
      position++;
    }
    let digits = '';
    let fractionDigits = 0;
    let seenPoint = false;
    if (text[position] === '.') {
      seenPoint = true;
      position++;
    }
    if (!isDigit(text[position])) throw invalidNumericSyntax(text);
    for (;;) {
      const character = text[position];
      if (isDigit(character)) {
        digits += character;
        if (seenPoint) fractionDigits++;
        position++;
      } else if (character === '.') {
        if (seenPoint) throw invalidNumericSyntax(text);
        seenPoint = true;
        position++;
      } else {
        break;
      }
    }

    let exponent = 0;
    if (text[position] === 'e' || text[position] === 'E') {
      position++;
      // The exponent is read with strtol, which itself skips whitespace and takes a sign.
      let cursor = position;
      while (isCSpace(text[cursor])) cursor++;
      let exponentNegative = false;
      if (text[cursor] === '+' || text[cursor] === '-') {
        exponentNegative = text[cursor] === '-';
        cursor++;
      }
      const exponentStart = cursor;
      while (isDigit(text[cursor])) cursor++;
      if (cursor === exponentStart) throw invalidNumericSyntax(text);
      const magnitude = text.slice(exponentStart, cursor).replace(/^0+(?=\d)/, '');
      if (magnitude.length > 10 || Number(magnitude) >= MAX_EXPONENT) throw numericFormatOverflow();
      exponent = exponentNegative ? -Number(magnitude) : Number(magnitude);
      position = cursor;
    }
    while (isCSpace(text[position])) position++;
    if (position !== text.length) throw invalidNumericSyntax(text);

    const magnitude = BigInt(digits);
    const signed = negative ? -magnitude : magnitude;
    const scale = fractionDigits - exponent;
    if (scale >= 0) return Numeric.checked(signed, scale);
    if (magnitude === 0n) return Numeric.Zero;
    // A positive net exponent: the value is an integer; guard the format before building a huge power.
    if (magnitude !== 0n && digits.replace(/^0+/, '').length - scale > MAX_INTEGER_DIGITS) {
      throw numericFormatOverflow();
    }
    return Numeric.checked(signed * powerOfTen(-scale), 0);
  }

  isNaN(): boolean {
    return this.kind === 'nan';
  }

  isFinite(): boolean {
    return this.kind === 'finite';
  }

  isInfinite(): boolean {
    return this.kind === 'infinity' || this.kind === '-infinity';
  }

  /** −1, 0 or 1; NaN has sign 0 here (callers test isNaN first). */
  sign(): -1 | 0 | 1 {
    if (this.kind === 'infinity') return 1;
    if (this.kind === '-infinity') return -1;
    if (this.kind === 'nan') return 0;
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  /** numeric_out: `-12.340`, `0.5`, `NaN`, `Infinity`, `-Infinity`. */
  toString(): string {
    if (this.kind === 'nan') return 'NaN';
    if (this.kind === 'infinity') return 'Infinity';
    if (this.kind === '-infinity') return '-Infinity';
    const digits = absolute(this.unscaled).toString();
    const sign = this.unscaled < 0n ? '-' : '';
    if (this.scale === 0) return sign + digits;
    const padded = digits.length <= this.scale ? '0'.repeat(this.scale - digits.length + 1) + digits : digits;
    const pointAt = padded.length - this.scale;
    return `${sign}${padded.slice(0, pointAt)}.${padded.slice(pointAt)}`;
  }

  /** The same value at another display scale, rounded half away from zero when digits are dropped (round_var). */
  withScale(scale: number): Numeric {
    if (this.kind !== 'finite') return this;
    if (scale === this.scale) return this;
    if (scale > this.scale) return Numeric.checked(this.unscaled * powerOfTen(scale - this.scale), scale);
    const rounded = divideRoundHalfAway(this.unscaled, powerOfTen(this.scale - scale));
    if (scale >= 0) return Numeric.checked(rounded, scale);
    return Numeric.checked(rounded * powerOfTen(-scale), 0);
  }

  /** Rounded half away from zero to an integer (numeric → integer casts); undefined for NaN and ±Infinity. */
  toBigIntRounded(): bigint | undefined {
    if (this.kind !== 'finite') return undefined;
    if (this.scale === 0) return this.unscaled;
    return divideRoundHalfAway(this.unscaled, powerOfTen(this.scale));
  }

  negate(): Numeric {
    if (this.kind === 'nan') return this;
    if (this.kind === 'infinity') return Numeric.NegativeInfinity;
    if (this.kind === '-infinity') return Numeric.Infinity;
    return new Numeric('finite', -this.unscaled, this.scale);
  }

  abs(): Numeric {
    return this.sign() < 0 ? this.negate() : this;
  }

  /** numeric_add: result scale max(scales); Inf + −Inf is NaN. */
  add(other: Numeric): Numeric {
    const special = addSpecial(this, other);
    if (special !== undefined) return special;
    const scale = Math.max(this.scale, other.scale);
    return Numeric.checked(this.scaledTo(scale) + other.scaledTo(scale), scale);
  }

  subtract(other: Numeric): Numeric {
    return this.add(other.negate());
  }

  /** numeric_mul: exact product, scale = sum of scales (rounded to 16383 digits if longer, as PostgreSQL does). */
  multiply(other: Numeric): Numeric {
    if (this.kind === 'nan' || other.kind === 'nan') return Numeric.NaN;
    if (this.kind !== 'finite' || other.kind !== 'finite') {
      const sign = this.sign() * other.sign();
      if (sign === 0) return Numeric.NaN; // Infinity × 0
      return sign > 0 ? Numeric.Infinity : Numeric.NegativeInfinity;
    }
    const scale = this.scale + other.scale;
    const product = this.unscaled * other.unscaled;
    if (scale > MAX_STORED_SCALE) {
      return Numeric.checked(divideRoundHalfAway(product, powerOfTen(scale - MAX_STORED_SCALE)), MAX_STORED_SCALE);
    }
    return Numeric.checked(product, scale);
  }

  /**
   * numeric_div: the quotient at select_div_scale's scale, rounded half away from zero. Division by zero
   * raises 22012 (also Infinity / 0); NaN wins over everything; ±Infinity / ±Infinity is NaN and
   * finite / ±Infinity is 0.
   */
  divide(other: Numeric): Numeric {
    if (this.kind === 'nan' || other.kind === 'nan') return Numeric.NaN;
    if (this.isInfinite()) {
      if (other.isInfinite()) return Numeric.NaN;
      const sign = other.sign();
      if (sign === 0) throw divisionByZero();
      return this.sign() * sign > 0 ? Numeric.Infinity : Numeric.NegativeInfinity;
    }
    if (other.isInfinite()) return Numeric.Zero;
    if (other.unscaled === 0n) throw divisionByZero();
    const scale = selectDivisionScale(this, other);
    // this / other × 10^scale = u1 × 10^(s2 − s1 + scale) / u2, all integers once the exponent is split.
    const exponent = other.scale - this.scale + scale;
    let numerator = this.unscaled;
    let denominator = other.unscaled;
    if (exponent >= 0) numerator *= powerOfTen(exponent);
    else denominator *= powerOfTen(-exponent);
    if (denominator < 0n) {
      numerator = -numerator;
      denominator = -denominator;
    }
    return Numeric.checked(divideRoundHalfAway(numerator, denominator), scale);
  }

  /**
   * numeric_mod: `x − trunc(x / y) × y` with scale max(scales), the sign of x. Division by zero raises 22012;
   * NaN in gives NaN; Infinity % y is NaN; x % ±Infinity is x.
   */
  modulo(other: Numeric): Numeric {
    if (this.kind === 'nan' || other.kind === 'nan') return Numeric.NaN;
    if (this.isInfinite()) {
      if (other.sign() === 0) throw divisionByZero();
      return Numeric.NaN;
    }
    if (other.isInfinite()) return this;
    if (other.unscaled === 0n) throw divisionByZero();
    const scale = Math.max(this.scale, other.scale);
    // BigInt % truncates toward zero and keeps the dividend's sign, exactly mod_var's definition.
    return Numeric.checked(this.scaledTo(scale) % other.scaledTo(scale), scale);
  }

  /**
   * numeric_cmp: −1, 0 or 1. Scale does not matter (1.0 = 1.00). −Infinity < finite < Infinity < NaN, and
   * NaN equals NaN, so that sorting and grouping see a total order.
   */
  compare(other: Numeric): -1 | 0 | 1 {
    const leftRank = rankOf(this.kind);
    const rightRank = rankOf(other.kind);
    if (leftRank !== rightRank) return leftRank < rightRank ? -1 : 1;
    if (this.kind !== 'finite') return 0;
    const scale = Math.max(this.scale, other.scale);
    const left = this.scaledTo(scale);
    const right = other.scaledTo(scale);
    return left < right ? -1 : left > right ? 1 : 0;
  }

  equals(other: Numeric): boolean {
    return this.compare(other) === 0;
  }

  /**
   * A string equal for equal values and different otherwise (trailing zeros dropped: 1.50 and 1.5 share a
   * key), for GROUP BY and DISTINCT.
   */
  normalizedKey(): string {
    if (this.kind !== 'finite') return this.kind;
    if (this.unscaled === 0n) return '0';
    let digits = this.unscaled;
    let scale = this.scale;
    while (scale > 0 && digits % 10n === 0n) {
      digits /= 10n;
      scale--;
    }
    return scale === 0 ? digits.toString() : `${digits}e-${scale}`;
  }

  /**
   * apply_typmod for `numeric(precision, scale)`: rounds to `scale` (which may be negative) and raises
   * PostgreSQL's 22003 `numeric field overflow` when the integer part needs more than precision − scale
   * digits. NaN passes; infinities are rejected (apply_typmod_special).
   */
  applyTypeModifier(precision: number, scale: number): Numeric {
    if (this.kind === 'nan') return this;
    if (this.kind !== 'finite') {
      throw new KmerSearchError(SqlState.numericValueOutOfRange, 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
      });
    }
    const rounded = this.withScale(scale);
    const maxDigits = precision - scale;
    // The value must round to an absolute value below 10^(precision − scale).
    const integerPart = absolute(rounded.unscaled) / powerOfTen(rounded.scale);
    if (integerPart !== 0n && digitCount(integerPart) > maxDigits) {
      throw new KmerSearchError(SqlState.numericValueOutOfRange, 'numeric field overflow', {
        detail:
          `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ` +
          (maxDigits > 0 ? `10^${maxDigits}.` : '1.'),
      });
    }
    return rounded;
  }

  /** The digits at a larger (or equal) scale. */
  private scaledTo(scale: number): bigint {
    return scale === this.scale ? this.unscaled : this.unscaled * powerOfTen(scale - this.scale);
  }

  /**
   * select_div_scale's inputs: PostgreSQL's weight (index of the leading base-10000 digit) and that digit,
   * of the value with trailing zeros ignored. Zero has weight 0 and first digit 0.
   */
  baseTenThousandLead(): { weight: number; firstDigit: number } {
    if (this.kind !== 'finite' || this.unscaled === 0n) return { weight: 0, firstDigit: 0 };
    const digits = absolute(this.unscaled).toString();
    // Decimal exponent of the leading digit.
    const leadingExponent = digits.length - 1 - this.scale;
    const weight = Math.floor(leadingExponent / 4);
    // Digits of the leading base-10000 group: from the leading digit down to exponent 4 × weight.
    const groupLength = leadingExponent - 4 * weight + 1;
    const firstDigit = Number(digits.slice(0, groupLength));
    return { weight, firstDigit };
  }
}

function rankOf(kind: NumericKind): number {
  return kind === '-infinity' ? 0 : kind === 'finite' ? 1 : kind === 'infinity' ? 2 : 3;
}

function addSpecial(left: Numeric, right: Numeric): Numeric | undefined {
  if (left.kind === 'finite' && right.kind === 'finite') return undefined;
  if (left.kind === 'nan' || right.kind === 'nan') return Numeric.NaN;
  if (left.kind === 'finite') return right;
  if (right.kind === 'finite') return left;
  return left.kind === right.kind ? left : Numeric.NaN;
}

/**
 * numeric.c select_div_scale: enough scale for 16 significant digits of the quotient, estimated from the
 * base-10000 weights and leading digits, but never less than either input's scale, and at most 1000.
 */
export function selectDivisionScale(dividend: Numeric, divisor: Numeric): number {
  const left = dividend.baseTenThousandLead();
  const right = divisor.baseTenThousandLead();
  let quotientWeight = left.weight - right.weight;
  if (left.firstDigit <= right.firstDigit) quotientWeight--;
  let scale = MIN_SIGNIFICANT_DIGITS - quotientWeight * 4;
  scale = Math.max(scale, dividend.scale, divisor.scale, 0);
  return Math.min(scale, MAX_DISPLAY_SCALE);
}
