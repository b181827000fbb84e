/**
 * `timestamp with time zone` text I/O under the engine's fixed session settings: DateStyle ISO, MDY and
 * TimeZone UTC — so output is `2026-11-22 10:00:00.123+00` (fraction trimmed of trailing zeros, `+00`, a
 * ` BC` suffix before year 1) and input without a zone is read as UTC.
 *
 * Values are JS Dates, so precision is the millisecond: input fractions are rounded to it (PostgreSQL
 * keeps microseconds). Accepted input: ISO dates `YYYY-MM-DD` and MDY dates `MM/DD/YYYY`, optionally
 * followed by a time `HH:MM[:SS[.fraction]]` (separated by blanks or `T`), a zone (`Z`, `UTC`, `GMT`,
 * `±HH`, `±HH:MM`, `±HHMM`, `±HH:MM:SS`) and `AD`/`BC`; and the special words `epoch`, `now`, `today`,
 * `tomorrow`, `yesterday`. `infinity` cannot be held in a Date and is rejected with 0A000. Named time zones
 * other than UTC/GMT/Z are rejected with PostgreSQL's `time zone "…" not recognized`.
 */
import { KmerSearchError, SqlState } from '../../errors.js';

const DATETIME_FIELD_OVERFLOW = '22008';
const INVALID_TIME_ZONE_DISPLACEMENT = '22009';

/** PostgreSQL's earliest timestamp, 4714-11-24 00:00:00 UTC BC, in Unix milliseconds. */
const MIN_TIMESTAMP_MS = -210866803200000;
/** The latest instant a Date can hold (PostgreSQL goes on to year 294276). */
const MAX_DATE_MS = 8.64e15;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** timestamptz_out with DateStyle ISO and TimeZone UTC. */
export function formatTimestamptz(value: Date): string {
  const time = value.getTime();
  if (Number.isNaN(time)) {
    throw new KmerSearchError(SqlState.internalError, 'invalid Date value for timestamp with time zone');
  }
  const year = value.getUTCFullYear();
  const displayYear = year > 0 ? year : 1 - year;
  let text =
    `${pad(displayYear, 4)}-${pad(value.getUTCMonth() + 1, 2)}-${pad(value.getUTCDate(), 2)} ` +
    `${pad(value.getUTCHours(), 2)}:${pad(value.getUTCMinutes(), 2)}:${pad(value.getUTCSeconds(), 2)}`;
  const milliseconds = value.getUTCMilliseconds();
  if (milliseconds !== 0) text += `.${pad(milliseconds, 3).replace(/0+$/, '')}`;
  text += '+00';
  if (year <= 0) text += ' BC';
  return text;
}

function invalidSyntax(text: string): KmerSearchError {
  return new KmerSearchError(
    SqlState.invalidDatetimeFormat,
    `invalid input syntax for type timestamp with time zone: "${text}"`,
  );
}

function fieldOutOfRange(text: string): KmerSearchError {
  return new KmerSearchError(DATETIME_FIELD_OVERFLOW, `date/time field value out of range: "${text}"`);
}

function timestampOutOfRange(text: string): KmerSearchError {
  return new KmerSearchError(DATETIME_FIELD_OVERFLOW, `timestamp out of range: "${text}"`);
}

export interface TimestampInputOptions {
  /** The statement's `now` (PostgreSQL: the transaction start); defaults to the current time. */
  readonly now?: (() => Date) | undefined;
}

const DATE_TIME_PATTERN = new RegExp(
  '^(?:(\\d{4,6})-(\\d{1,2})-(\\d{1,2})|(\\d{1,2})/(\\d{1,2})/(\\d{4,6}))' +
    '(?:(?:[ \\t]+|T)(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d*))?)?)?' +
    '(?:[ \\t]*(z|utc|gmt|zulu|[+-]\\d{1,2}(?::?\\d{2}(?::?\\d{2})?)?|[a-z][a-z_/]*))?' +
    '(?:[ \\t]+(ad|bc))?$',
  'i',
);

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Milliseconds east of UTC for a zone token, or undefined when the name is unknown. */
function zoneOffsetMilliseconds(zone: string, text: string): number | undefined {
  const lower = zone.toLowerCase();
  if (lower === 'z' || lower === 'utc' || lower === 'gmt' || lower === 'zulu') return 0;
  const numeric = /^([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/.exec(zone);
  if (numeric === null) return undefined;
  const hours = Number(numeric[2]);
  const minutes = Number(numeric[3] ?? '0');
  const seconds = Number(numeric[4] ?? '0');
  // DecodeTimezone: at most 15 hours, minutes and seconds below 60.
  if (hours > 15 || minutes >= 60 || seconds >= 60) {
    throw new KmerSearchError(INVALID_TIME_ZONE_DISPLACEMENT, `time zone displacement out of range: "${text}"`);
  }
  const offset = ((hours * 60 + minutes) * 60 + seconds) * 1000;
  return numeric[1] === '-' ? -offset : offset;
}

function startOfUtcDay(instant: Date, dayOffset: number): Date {
  const day = new Date(instant.getTime());
  day.setUTCHours(0, 0, 0, 0);
  day.setUTCDate(day.getUTCDate() + dayOffset);
  return day;
}

/** timestamptz_in for the forms listed in the header; errors carry PostgreSQL's texts and SQLSTATEs. */
export function parseTimestamptz(text: string, options: TimestampInputOptions = {}): Date {
  const trimmed = text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
  const word = trimmed.toLowerCase();
  switch (word) {
    case 'epoch':
      return new Date(0);
    case 'now':
      return new Date((options.now?.() ?? new Date()).getTime());
    case 'today':
      return startOfUtcDay(options.now?.() ?? new Date(), 0);
    case 'tomorrow':
      return startOfUtcDay(options.now?.() ?? new Date(), 1);
    case 'yesterday':
      return startOfUtcDay(options.now?.() ?? new Date(), -1);
    case 'infinity':
    case '+infinity':
    case '-infinity':
      throw new KmerSearchError(
        SqlState.featureNotSupported,
        `timestamp value "${text}" is not supported: kmersearch timestamps are finite`,
      );
  }
  const match = DATE_TIME_PATTERN.exec(trimmed);
  if (match === null) throw invalidSyntax(text);
  const iso = match[1] !== undefined;
  let year = Number(iso ? match[1] : match[6]);
  const month = Number(iso ? match[2] : match[4]);
  const day = Number(iso ? match[3] : match[5]);
  const hour = Number(match[7] ?? '0');
  const minute = Number(match[8] ?? '0');
  const second = Number(match[9] ?? '0');
  const fraction = match[10] ?? '';
  // A lone `AD`/`BC` after the date is the era, not a zone name (the zone group matches it first).
  const zoneIsEra = match[12] === undefined && /^(ad|bc)$/i.test(match[11] ?? '');
  const zone = zoneIsEra ? undefined : match[11];
  const era = (zoneIsEra ? match[11] : match[12])?.toLowerCase();

  let offset = 0;
  if (zone !== undefined) {
    const zoneOffset = zoneOffsetMilliseconds(zone, text);
    if (zoneOffset === undefined) {
      throw new KmerSearchError(SqlState.invalidParameterValue, `time zone "${zone.toLowerCase()}" not recognized`);
    }
    offset = zoneOffset;
  }
  if (year === 0 || month < 1 || month > 12 || day < 1) throw fieldOutOfRange(text);
  if (era === 'bc') year = 1 - year;
  if (day > daysInMonth(year, month)) throw fieldOutOfRange(text);
  // PostgreSQL allows 24:00:00 exactly and a leap second 60.
  if (hour > 24 || minute > 59 || second > 60) throw fieldOutOfRange(text);
  if (hour === 24 && (minute !== 0 || second !== 0 || /[1-9]/.test(fraction))) throw fieldOutOfRange(text);

  // Microseconds as PostgreSQL keeps them, then the nearest millisecond a Date can hold.
  const microseconds = fraction === '' ? 0 : Math.round(Number(`0.${fraction}`) * 1e6);
  const milliseconds = Math.round(microseconds / 1000);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, milliseconds);
  const time = date.getTime() - offset;
  if (Number.isNaN(time) || time < MIN_TIMESTAMP_MS || time > MAX_DATE_MS) throw timestampOutOfRange(text);
  return new Date(time);
}

/**
 * AdjustTimestampForTypmod: rounds to `precision` fractional digits, half away from zero. With millisecond
 * values only precisions 0–2 change anything.
 */
export function roundTimestamptz(value: Date, precision: number): Date {
  if (precision >= 3) return value;
  const unit = 10 ** (3 - precision);
  const time = value.getTime();
  const rounded = time >= 0 ? Math.floor((time + unit / 2) / unit) * unit : -Math.floor((-time + unit / 2) / unit) * unit;
  return rounded === time ? value : new Date(rounded);
}
