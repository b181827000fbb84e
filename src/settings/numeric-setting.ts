/**
 * PostgreSQL's parse_int / parse_real for setting values, with memory and time units, and the unit-aware
 * SHOW formatting of integer settings (guc.c: convert_to_base_unit, convert_int_from_base_unit). Kept apart
 * from the settings table so that every rule here can be tested against PostgreSQL's own examples.
 */
import { cStrtod, cStrtol, isCSpace, roundHalfEven } from './parse-c.js';

/** The base units kmersearch's integer settings use: kilobytes (memory) and milliseconds (time). */
export type BaseUnit = 'kB' | 'ms';

interface UnitConversion {
  readonly unit: string;
  readonly multiplier: number;
}

/**
 * guc.c's conversion tables for the two base units, greatest unit first. The order matters twice: parsing
 * rounds a fractional value to the next smaller unit in the table, and SHOW picks the first unit that
 * divides the value evenly. Unit names are case-sensitive, as in PostgreSQL.
 */
const conversionTables: Readonly<Record<BaseUnit, readonly UnitConversion[]>> = {
  kB: [
    { unit: 'TB', multiplier: 1024 * 1024 * 1024 },
    { unit: 'GB', multiplier: 1024 * 1024 },
    { unit: 'MB', multiplier: 1024 },
    { unit: 'kB', multiplier: 1 },
    { unit: 'B', multiplier: 1 / 1024 },
  ],
  ms: [
    { unit: 'd', multiplier: 1000 * 60 * 60 * 24 },
    { unit: 'h', multiplier: 1000 * 60 * 60 },
    { unit: 'min', multiplier: 1000 * 60 },
    { unit: 's', multiplier: 1000 },
    { unit: 'ms', multiplier: 1 },
    { unit: 'us', multiplier: 1 / 1000 },
  ],
};

/** The HINTs PostgreSQL attaches to an unknown unit. */
export const unitHints: Readonly<Record<BaseUnit, string>> = {
  kB: 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".',
  ms: 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".',
};

export const integerRangeHint = 'Value exceeds integer range.';

/** guc.c's MAX_UNIT_LEN: a unit longer than this is rejected as garbage. */
const MAX_UNIT_LENGTH = 3;

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

export type NumericParse =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly hint?: string };

function convertToBaseUnit(value: number, unitText: string, baseUnit: BaseUnit): number | undefined {
  let position = 0;
  let unit = '';
  while (position < unitText.length && !isCSpace(unitText[position]) && unit.length < MAX_UNIT_LENGTH) {
    unit += unitText[position];
    position++;
  }
  while (isCSpace(unitText[position])) position++;
  if (position < unitText.length) return undefined;
  const table = conversionTables[baseUnit];
  for (let index = 0; index < table.length; index++) {
    const entry = table[index];
    if (entry === undefined || entry.unit !== unit) continue;
    let converted = value * entry.multiplier;
    // "30.1GB" is rounded to a whole number of the next smaller unit, as PostgreSQL does.
    const smaller = table[index + 1];
    if (smaller !== undefined) {
      converted = roundHalfEven(converted / smaller.multiplier) * smaller.multiplier;
    }
    return converted;
  }
  return undefined;
}

/** Applies an optional unit after the number ending at `end`; undefined when the rest is not acceptable. */
function applyUnit(text: string, end: number, value: number, baseUnit: BaseUnit | undefined): NumericParse {
  let position = end;
  while (isCSpace(text[position])) position++;
  if (position >= text.length) return { ok: true, value };
  if (baseUnit === undefined) return { ok: false };
  const converted = convertToBaseUnit(value, text.slice(position), baseUnit);
  if (converted === undefined) return { ok: false, hint: unitHints[baseUnit] };
  return { ok: true, value: converted };
}

/**
 * PostgreSQL's parse_int: strtol with base 0 first; if that stops at `.`, `e` or `E` (or overflows), the
 * text is re-read with strtod, so `4.6`, `1e3` and `0x1.8` are accepted. The result is rounded with rint
 * and must fit in int32.
 */
export function parseIntegerSetting(text: string, baseUnit?: BaseUnit): NumericParse {
  let parsed = cStrtol(text);
  const stop = text[parsed.end];
  if (stop === '.' || stop === 'e' || stop === 'E' || parsed.outOfRange) {
    parsed = cStrtod(text);
  }
  if (parsed.end === 0 || parsed.outOfRange || Number.isNaN(parsed.value)) return { ok: false };
  const withUnit = applyUnit(text, parsed.end, parsed.value, baseUnit);
  if (!withUnit.ok) return withUnit;
  const rounded = roundHalfEven(withUnit.value);
  if (rounded > INT_MAX || rounded < INT_MIN) return { ok: false, hint: integerRangeHint };
  return { ok: true, value: rounded === 0 ? 0 : rounded }; // C's (int) cast has no negative zero
}

/** PostgreSQL's parse_real: strtod, NaN rejected (infinities fail the range check later). */
export function parseRealSetting(text: string, baseUnit?: BaseUnit): NumericParse {
  const parsed = cStrtod(text);
  if (parsed.end === 0 || parsed.outOfRange || Number.isNaN(parsed.value)) return { ok: false };
  return applyUnit(text, parsed.end, parsed.value, baseUnit);
}

/**
 * SHOW of an integer setting with a unit: the largest unit that divides the value evenly (65536 kB →
 * `64MB`, 1500 kB → `1500kB`, 60000 ms → `1min`); zero and negative values print bare, as in PostgreSQL.
 */
export function formatIntegerWithUnit(value: number, baseUnit: BaseUnit | undefined): string {
  if (baseUnit === undefined || value <= 0) return String(value);
  for (const entry of conversionTables[baseUnit]) {
    if (entry.multiplier <= 1 || value % entry.multiplier === 0) {
      return `${roundHalfEven(value / entry.multiplier)}${entry.unit}`;
    }
  }
  return String(value);
}
