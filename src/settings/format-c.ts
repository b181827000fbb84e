/**
 * C's `printf("%g")` for doubles, reproduced digit for digit, because PostgreSQL prints real settings (SHOW,
 * current_setting, pg_settings) and the bounds of range errors with `%g`. JavaScript's `toPrecision` is not a
 * substitute: it rounds exact ties away from zero where glibc rounds them to even (12345.25 → `12345.2` in C,
 * `12345.3` in JS), and it formats exponents differently (`1e-7` vs C's `1e-07`).
 */

/** The exact decimal expansion of a finite, non-zero double: value = 0.digits… scaled so that digits[0] ≠ 0. */
interface ExactDecimal {
  /** Significant digits without leading or trailing zeros. */
  readonly digits: string;
  /** Decimal exponent of the first digit: |value| = d0.d1d2… × 10^exponent. */
  readonly exponent: number;
}

const float64View = new DataView(new ArrayBuffer(8));

/**
 * Every double is m × 2^e with integer m, so its decimal expansion is finite: m × 2^e for e ≥ 0, and
 * (m × 5^−e) × 10^e for e < 0. BigInt makes that exact; printf uses exactly this value before rounding.
 */
function exactDecimal(magnitude: number): ExactDecimal {
  float64View.setFloat64(0, magnitude);
  const high = float64View.getUint32(0);
  const low = float64View.getUint32(4);
  const biasedExponent = (high >>> 20) & 0x7ff;
  const fractionHigh = high & 0xfffff;
  let mantissa = (BigInt(fractionHigh) << 32n) | BigInt(low);
  let binaryExponent: number;
  if (biasedExponent === 0) {
    binaryExponent = -1074; // subnormal: no implicit leading bit
  } else {
    mantissa |= 1n << 52n;
    binaryExponent = biasedExponent - 1075;
  }
  let integerDigits: string;
  let decimalShift: number;
  if (binaryExponent >= 0) {
    integerDigits = (mantissa << BigInt(binaryExponent)).toString();
    decimalShift = 0;
  } else {
    integerDigits = (mantissa * 5n ** BigInt(-binaryExponent)).toString();
    decimalShift = binaryExponent;
  }
  const exponent = integerDigits.length - 1 + decimalShift;
  const digits = integerDigits.replace(/0+$/, '');
  return { digits, exponent };
}

/**
 * Rounds the exact expansion to `significantDigits` digits the way glibc does in the default rounding mode:
 * to nearest, exact ties to even.
 */
function roundToSignificantDigits(decimal: ExactDecimal, significantDigits: number): ExactDecimal {
  const { digits, exponent } = decimal;
  if (digits.length <= significantDigits) {
    return { digits: digits.padEnd(significantDigits, '0'), exponent };
  }
  const head = digits.slice(0, significantDigits);
  const firstDropped = digits.charCodeAt(significantDigits) - 48;
  let roundUp: boolean;
  if (firstDropped > 5) roundUp = true;
  else if (firstDropped < 5) roundUp = false;
  else if (digits.length > significantDigits + 1) roundUp = true; // trailing zeros were stripped: rest > half
  else roundUp = (head.charCodeAt(head.length - 1) - 48) % 2 === 1;
  if (!roundUp) return { digits: head, exponent };
  const incremented = (BigInt(head) + 1n).toString();
  if (incremented.length > significantDigits) {
    // 999… carried into a new leading digit: the value now starts one decade higher.
    return { digits: incremented.slice(0, significantDigits), exponent: exponent + 1 };
  }
  return { digits: incremented, exponent };
}

function stripFractionZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * `printf("%.<precision>g", value)` as glibc prints it: NaN → `nan`, ±∞ → `inf`/`-inf`, −0 → `-0`;
 * fixed notation when −4 ≤ exponent < precision, otherwise `d.ddde±XX` with at least two exponent digits;
 * trailing zeros removed.
 */
export function formatCDoubleG(value: number, precision = 6): string {
  if (Number.isNaN(value)) return 'nan';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (!Number.isFinite(value)) return `${sign}inf`;
  const significantDigits = precision === 0 ? 1 : precision;
  if (value === 0) return `${sign}0`;
  const { digits, exponent } = roundToSignificantDigits(exactDecimal(Math.abs(value)), significantDigits);
  let body: string;
  if (exponent >= -4 && exponent < significantDigits) {
    if (exponent >= 0) {
      body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
    } else {
      body = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    }
    body = stripFractionZeros(body);
  } else {
    const mantissa = stripFractionZeros(`${digits.slice(0, 1)}.${digits.slice(1)}`);
    const exponentSign = exponent < 0 ? '-' : '+';
    body = `${mantissa}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return sign + body;
}

/**
 * `printf("%.<precision>f", value)` as glibc prints it for finite values: the exact binary value rounded to
 * `precision` fraction digits, exact ties to even (0.03125 → `0.0312` with precision 4, where JavaScript's
 * toFixed gives `0.0313`). The reference prints max_appearance_rate with `%.4f` in its cache validation errors.
 */
export function formatCDoubleFixed(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'nan';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (!Number.isFinite(value)) return `${sign}inf`;
  const scale = 10n ** BigInt(precision);
  let units = 0n;
  if (value !== 0) {
    float64View.setFloat64(0, Math.abs(value));
    const high = float64View.getUint32(0);
    const biasedExponent = (high >>> 20) & 0x7ff;
    let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(float64View.getUint32(4));
    let binaryExponent = -1074;
    if (biasedExponent !== 0) {
      mantissa |= 1n << 52n;
      binaryExponent = biasedExponent - 1075;
    }
    if (binaryExponent >= 0) {
      units = (mantissa << BigInt(binaryExponent)) * scale;
    } else {
      const numerator = mantissa * scale;
      const denominator = 1n << BigInt(-binaryExponent);
      units = numerator / denominator;
      const twiceRemainder = (numerator % denominator) * 2n;
      if (twiceRemainder > denominator || (twiceRemainder === denominator && units % 2n === 1n)) units += 1n;
    }
  }
  const digits = units.toString().padStart(precision + 1, '0');
  const integerPart = digits.slice(0, digits.length - precision);
  return precision === 0 ? `${sign}${integerPart}` : `${sign}${integerPart}.${digits.slice(digits.length - precision)}`;
}
