/**
 * The C library and PostgreSQL primitives that PostgreSQL's setting parser is built on — strtol (base 0),
 * strtod, rint and parse_bool — reproduced with their prefix semantics (they report where parsing stopped),
 * because which strings a SET accepts is decided by exactly these rules: `'0x0a'` is 10, `'010'` is octal 8,
 * `'4.6'` rounds to 5, `' 5 '` is fine, `'.5'` is 0 but `' .5'` is invalid.
 */

/** The bytes C's isspace() accepts in the C locale. */
export function isCSpace(character: string | undefined): boolean {
  return (
    character === ' ' ||
    character === '\t' ||
    character === '\n' ||
    character === '\v' ||
    character === '\f' ||
    character === '\r'
  );
}

export interface CNumberParse {
  readonly value: number;
  /** Index of the first unparsed character; 0 when nothing was parsed (C's endptr == nptr). */
  readonly end: number;
  /** C's errno == ERANGE. */
  readonly outOfRange: boolean;
}

function skipSpaces(text: string, index: number): number {
  let position = index;
  while (isCSpace(text[position])) position++;
  return position;
}

function digitValue(character: string | undefined): number {
  if (character === undefined) return -1;
  const code = character.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/** strtol(text, &end, 0) on a 64-bit platform: optional sign, then hex (`0x`), octal (leading `0`) or decimal. */
export function cStrtol(text: string): CNumberParse {
  let position = skipSpaces(text, 0);
  let negative = false;
  if (text[position] === '+' || text[position] === '-') {
    negative = text[position] === '-';
    position++;
  }
  let base = 10;
  if (text[position] === '0') {
    const marker = text[position + 1];
    if ((marker === 'x' || marker === 'X') && digitValue(text[position + 2]) >= 0) {
      base = 16;
      position += 2;
    } else {
      base = 8;
    }
  }
  let magnitude = 0n;
  let digitCount = 0;
  for (;;) {
    const digit = digitValue(text[position]);
    if (digit < 0 || digit >= base) break;
    magnitude = magnitude * BigInt(base) + BigInt(digit);
    digitCount++;
    position++;
  }
  if (digitCount === 0) return { value: 0, end: 0, outOfRange: false };
  let signed = negative ? -magnitude : magnitude;
  let outOfRange = false;
  if (signed > LONG_MAX) {
    signed = LONG_MAX;
    outOfRange = true;
  } else if (signed < LONG_MIN) {
    signed = LONG_MIN;
    outOfRange = true;
  }
  return { value: Number(signed), end: position, outOfRange };
}

const SMALLEST_NORMAL = 2.2250738585072014e-308;

/** mantissa × 2^binaryExponent rounded to the nearest double (ties to even), with C's overflow/underflow report. */
function binaryToDouble(mantissa: bigint, binaryExponent: number): { value: number; outOfRange: boolean } {
  if (mantissa === 0n) return { value: 0, outOfRange: false };
  const bitLength = mantissa.toString(2).length;
  const topExponent = bitLength - 1 + binaryExponent; // value in [2^top, 2^(top+1))
  if (topExponent > 1023) return { value: Infinity, outOfRange: true };
  // Keep 53 significant bits, or fewer when the result is subnormal (the quantum there is 2^-1074).
  const lowestKeptExponent = Math.max(topExponent - 52, -1074);
  const dropBits = lowestKeptExponent - binaryExponent;
  let kept: bigint;
  let exact = true;
  if (dropBits > 0) {
    const drop = BigInt(dropBits);
    kept = mantissa >> drop;
    const remainder = mantissa - (kept << drop);
    const half = 1n << (drop - 1n);
    exact = remainder === 0n;
    if (remainder > half || (remainder === half && (kept & 1n) === 1n)) kept += 1n;
  } else {
    kept = mantissa << BigInt(-dropBits);
  }
  const value = Number(kept) * 2 ** lowestKeptExponent;
  if (!Number.isFinite(value)) return { value, outOfRange: true };
  // glibc reports ERANGE for a tiny (subnormal or zero) result only when it is inexact.
  return { value, outOfRange: value < SMALLEST_NORMAL && !exact };
}

function matchesWordAt(text: string, position: number, word: string): boolean {
  return text.slice(position, position + word.length).toLowerCase() === word;
}

/**
 * strtod(text, &end) as glibc implements it: decimal and hexadecimal floating point, `inf`/`infinity`,
 * `nan`/`nan(…)`, all after optional spaces and sign; ERANGE on overflow and on inexact underflow.
 */
export function cStrtod(text: string): CNumberParse {
  let position = skipSpaces(text, 0);
  let negative = false;
  if (text[position] === '+' || text[position] === '-') {
    negative = text[position] === '-';
    position++;
  }
  const signed = (value: number): number => (negative ? -value : value);

  if (matchesWordAt(text, position, 'inf')) {
    const end = matchesWordAt(text, position, 'infinity') ? position + 8 : position + 3;
    return { value: signed(Infinity), end, outOfRange: false };
  }
  if (matchesWordAt(text, position, 'nan')) {
    let end = position + 3;
    if (text[end] === '(') {
      const close = text.indexOf(')', end);
      if (close >= 0 && /^[A-Za-z0-9_]*$/.test(text.slice(end + 1, close))) end = close + 1;
    }
    return { value: NaN, end, outOfRange: false };
  }

  if (text[position] === '0' && (text[position + 1] === 'x' || text[position + 1] === 'X')) {
    const hex = parseHexFloat(text, position + 2);
    if (hex !== undefined) {
      return { value: signed(hex.value), end: hex.end, outOfRange: hex.outOfRange };
    }
    // "0x" without hex digits: only the "0" is a number.
    return { value: signed(0), end: position + 1, outOfRange: false };
  }

  const start = position;
  let mantissaDigits = 0;
  let nonZeroDigit = false;
  while (digitValue(text[position]) >= 0 && digitValue(text[position]) < 10) {
    if (text[position] !== '0') nonZeroDigit = true;
    position++;
    mantissaDigits++;
  }
  if (text[position] === '.') {
    position++;
    while (digitValue(text[position]) >= 0 && digitValue(text[position]) < 10) {
      if (text[position] !== '0') nonZeroDigit = true;
      position++;
      mantissaDigits++;
    }
  }
  if (mantissaDigits === 0) return { value: 0, end: 0, outOfRange: false };
  if (text[position] === 'e' || text[position] === 'E') {
    let exponentPosition = position + 1;
    if (text[exponentPosition] === '+' || text[exponentPosition] === '-') exponentPosition++;
    const firstExponentDigit = digitValue(text[exponentPosition]);
    if (firstExponentDigit >= 0 && firstExponentDigit < 10) {
      position = exponentPosition;
      while (digitValue(text[position]) >= 0 && digitValue(text[position]) < 10) position++;
    }
  }
  // JavaScript's Number() is correctly rounded, as glibc's strtod is, for exactly this decimal syntax.
  const magnitude = Number(text.slice(start, position));
  const outOfRange = !Number.isFinite(magnitude) || (nonZeroDigit && magnitude < SMALLEST_NORMAL);
  return { value: signed(magnitude), end: position, outOfRange };
}

function parseHexFloat(
  text: string,
  afterPrefix: number,
): { value: number; end: number; outOfRange: boolean } | undefined {
  let position = afterPrefix;
  let mantissa = 0n;
  let digits = 0;
  let binaryExponent = 0;
  while (digitValue(text[position]) >= 0) {
    mantissa = mantissa * 16n + BigInt(digitValue(text[position]));
    position++;
    digits++;
  }
  if (text[position] === '.') {
    const afterPoint = position + 1;
    let fractionPosition = afterPoint;
    while (digitValue(text[fractionPosition]) >= 0) {
      mantissa = mantissa * 16n + BigInt(digitValue(text[fractionPosition]));
      binaryExponent -= 4;
      fractionPosition++;
      digits++;
    }
    if (digits > 0) position = fractionPosition;
  }
  if (digits === 0) return undefined;
  if (text[position] === 'p' || text[position] === 'P') {
    let exponentPosition = position + 1;
    let exponentNegative = false;
    if (text[exponentPosition] === '+' || text[exponentPosition] === '-') {
      exponentNegative = text[exponentPosition] === '-';
      exponentPosition++;
    }
    const first = digitValue(text[exponentPosition]);
    if (first >= 0 && first < 10) {
      let exponent = 0;
      position = exponentPosition;
      while (digitValue(text[position]) >= 0 && digitValue(text[position]) < 10) {
        // Saturate: anything this large over- or underflows anyway.
        exponent = Math.min(exponent * 10 + digitValue(text[position]), 1_000_000);
        position++;
      }
      binaryExponent += exponentNegative ? -exponent : exponent;
    }
  }
  const { value, outOfRange } = binaryToDouble(mantissa, binaryExponent);
  return { value, end: position, outOfRange };
}

/** C's rint() in the default rounding mode: to nearest, exact halves to even (4.5 → 4, 5.5 → 6). */
export function roundHalfEven(value: number): number {
  if (!Number.isFinite(value)) return value;
  const floor = Math.floor(value);
  const fraction = value - floor; // exact for doubles
  let rounded: number;
  if (fraction > 0.5) rounded = floor + 1;
  else if (fraction < 0.5) rounded = floor;
  else rounded = floor % 2 === 0 ? floor : floor + 1;
  // rint keeps the sign of a value that rounds to zero (rint(-0.4) is -0).
  return rounded === 0 && (value < 0 || Object.is(value, -0)) ? -0 : rounded;
}

/** pg_strncasecmp(a, b, n) === 0 for ASCII strings, with C's NUL-terminator semantics. */
function equalsIgnoringCaseUpTo(candidate: string, word: string, length: number): boolean {
  for (let index = 0; index < length; index++) {
    const left = candidate[index]?.toLowerCase();
    const right = word[index];
    if (left !== right) return false;
    if (left === undefined) return true; // both strings ended together
  }
  return true;
}

/**
 * PostgreSQL's parse_bool: any prefix of true/false/yes/no, at least two letters of on/off, or exactly 1/0,
 * case-insensitive, with no surrounding spaces. Returns undefined when the text is not a Boolean.
 */
export function parsePostgresBoolean(text: string): boolean | undefined {
  const length = text.length;
  switch (text[0]) {
    case 't':
    case 'T':
      return equalsIgnoringCaseUpTo(text, 'true', length) ? true : undefined;
    case 'f':
    case 'F':
      return equalsIgnoringCaseUpTo(text, 'false', length) ? false : undefined;
    case 'y':
    case 'Y':
      return equalsIgnoringCaseUpTo(text, 'yes', length) ? true : undefined;
    case 'n':
    case 'N':
      return equalsIgnoringCaseUpTo(text, 'no', length) ? false : undefined;
    case 'o':
    case 'O':
      // 'o' alone is ambiguous between on and off, hence the minimum of two characters.
      if (equalsIgnoringCaseUpTo(text, 'on', Math.max(length, 2))) return true;
      if (equalsIgnoringCaseUpTo(text, 'off', Math.max(length, 2))) return false;
      return undefined;
    case '1':
      return length === 1 ? true : undefined;
    case '0':
      return length === 1 ? false : undefined;
    default:
      return undefined;
  }
}
