/**
 * PostgreSQL 15's string functions on text (and their bytea twins where PostgreSQL has them), in a UTF-8
 * database with the C locale — the reference's test database (docs/architecture.md, "Text collation"). So:
 * lengths and positions count characters (code points), octet_length counts UTF-8 bytes, and upper/lower
 * change ASCII letters only, as PostgreSQL's str_toupper does under LC_CTYPE C.
 *
 * Limits and errors are PostgreSQL's: `negative substring length not allowed` (22011), and
 * `requested length too large` (54000) where the result could exceed PostgreSQL's 1 GB allocation limit
 * — or a JS string's maximum length, which is smaller; the engine reports it the same way.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { type SqlType, type SqlValue, formatValue, sqlTypes } from '../types.js';
import type { FunctionContext, ScalarFunction, SqlFunction } from './contract.js';
import { anyPseudoType, scalar, unboundCallError, withCallBinder } from './define.js';

const t = sqlTypes;
const SUBSTRING_ERROR = '22011';
/** MaxAllocSize: PostgreSQL cannot build a value of 1 GB or more. */
const MAX_ALLOCATION = 0x3fffffff;
const VARLENA_HEADER = 4;
/** pg_database_encoding_max_length() for UTF-8. */
const UTF8_MAX_CHARACTER_BYTES = 4;
const INT32_MAX = 2147483647;

function requestedLengthTooLarge(): KmerSearchError {
  return new KmerSearchError(SqlState.programLimitExceeded, 'requested length too large');
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The text as code points when it has characters outside the BMP, else undefined: then UTF-16 indices are
 * character indices and plain slicing is right (the common case, and the only one for DNA text).
 */
function codePointsIfNeeded(text: string): string[] | undefined {
  return SURROGATE.test(text) ? Array.from(text) : undefined;
}

function characterCount(text: string): number {
  const points = codePointsIfNeeded(text);
  return points === undefined ? text.length : points.length;
}

/** Characters [start, end) of `text`, 0-based, clamped. */
function characterSlice(text: string, start: number, end?: number): string {
  const points = codePointsIfNeeded(text);
  if (points === undefined) return text.slice(start, end);
  return points.slice(start, end).join('');
}

/** 1-based character position of the first `needle` in `haystack`, 0 when absent (textpos). */
function characterPosition(haystack: string, needle: string): number {
  if (needle.length === 0) return 1;
  const index = haystack.indexOf(needle);
  if (index < 0) return 0;
  return characterCount(haystack.slice(0, index)) + 1;
}

/**
 * text_substring / bytea_substring: characters from max(start, 1) up to start + length (exclusive), an error
 * for a negative length, to the end when start + length overflows int4.
 */
function substringBounds(start: number, length: number | undefined): { from: number; to: number | undefined } | undefined {
  const from = Math.max(start, 1) - 1;
  if (length === undefined) return { from, to: undefined };
  if (length < 0) {
    throw new KmerSearchError(SUBSTRING_ERROR, 'negative substring length not allowed');
  }
  const end = start + length;
  if (end > INT32_MAX) return { from, to: undefined };
  if (end < 1) return undefined;
  return { from, to: Math.max(end - 1, from) };
}

function textSubstring(text: string, start: number, length?: number): string {
  const bounds = substringBounds(start, length);
  return bounds === undefined ? '' : characterSlice(text, bounds.from, bounds.to);
}

function byteaSubstring(bytes: Uint8Array, start: number, length?: number): Uint8Array {
  const bounds = substringBounds(start, length);
  return bounds === undefined ? new Uint8Array(0) : bytes.slice(bounds.from, bounds.to);
}

function byteaPosition(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 1;
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let offset = 0; offset < needle.length; offset++) {
      if (haystack[start + offset] !== needle[offset]) continue outer;
    }
    return start + 1;
  }
  return 0;
}

function repeatText(text: string, count: number): string {
  const times = Math.max(count, 0);
  const bytes = utf8Length(text) * times + VARLENA_HEADER;
  if (bytes > MAX_ALLOCATION) throw requestedLengthTooLarge();
  try {
    return text.repeat(times);
  } catch (error) {
    // V8's string length limit (about 2^29 UTF-16 units) is below PostgreSQL's 1 GB.
    if (error instanceof RangeError) throw requestedLengthTooLarge();
    throw error;
  }
}

/** lpad / rpad: pad (or truncate) to `length` characters, cycling `fill`. */
function pad(text: string, length: number, fill: string, left: boolean): string {
  const target = Math.max(length, 0);
  if (target * UTF8_MAX_CHARACTER_BYTES + VARLENA_HEADER > MAX_ALLOCATION) throw requestedLengthTooLarge();
  const points = Array.from(text);
  if (points.length >= target || fill.length === 0) return points.slice(0, target).join('');
  const fillPoints = Array.from(fill);
  const missing = target - points.length;
  // Whole cycles by repeat(): appending one character at a time builds a rope of millions of nodes, which ran a
  // 61-million-character lpad out of a 4 GB heap.
  const padding = fill.repeat(Math.floor(missing / fillPoints.length)) + fillPoints.slice(0, missing % fillPoints.length).join('');
  return left ? padding + text : text + padding;
}

function leftCharacters(text: string, count: number): string {
  const total = characterCount(text);
  const kept = count < 0 ? total + count : count;
  return kept <= 0 ? '' : characterSlice(text, 0, kept);
}

function rightCharacters(text: string, count: number): string {
  const total = characterCount(text);
  const skipped = count < 0 ? -count : total - count;
  return characterSlice(text, Math.max(skipped, 0));
}

type TrimSide = 'both' | 'leading' | 'trailing';

/** btrim / ltrim / rtrim: drop the longest run of characters from `characters` at the chosen ends. */
function trim(text: string, characters: string, side: TrimSide): string {
  if (text.length === 0 || characters.length === 0) return text;
  const set = new Set(Array.from(characters));
  const points = Array.from(text);
  let start = 0;
  let end = points.length;
  if (side !== 'trailing') while (start < end && set.has(points[start] ?? '')) start++;
  if (side !== 'leading') while (end > start && set.has(points[end - 1] ?? '')) end--;
  return start === 0 && end === points.length ? text : points.slice(start, end).join('');
}

/** str_toupper / str_tolower under LC_CTYPE C: ASCII letters only. */
function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (run) => run.toUpperCase());
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** Any value printed by its type's output function, as concat() does (`true` prints `t`). */
function outputText(value: SqlValue, type: SqlType, context: FunctionContext): string {
  return formatValue(value, type.id === 'unknown' ? t.text : type, { relations: context.relations });
}

/**
 * concat / concat_ws for a call's argument types: NULL arguments are skipped; concat_ws with a NULL separator
 * is NULL.
 */
function bindConcatenation(entry: ScalarFunction, argumentTypes: readonly SqlType[]): ScalarFunction {
  const withSeparator = entry.name === 'concat_ws';
  return Object.freeze({
    ...entry,
    argumentTypes: Object.freeze([...argumentTypes]),
    evaluate: (args: readonly SqlValue[], context: FunctionContext): SqlValue => {
      if (withSeparator && args[0] === null) return null;
      const parts: string[] = [];
      for (let index = withSeparator ? 1 : 0; index < args.length; index++) {
        const value = args[index] ?? null;
        const type = argumentTypes[index];
        if (value === null || type === undefined) continue;
        parts.push(outputText(value, type, context));
      }
      return parts.join(withSeparator ? (args[0] as string) : '');
    },
  });
}

const str = (value: SqlValue | undefined): string => value as string;
const int = (value: SqlValue | undefined): number => value as number;
const bytes = (value: SqlValue | undefined): Uint8Array => value as Uint8Array;

export function textFunctions(): SqlFunction[] {
  const concatenations = (['concat', 'concat_ws'] as const).map((name) => {
    const entry = scalar(
      name,
      name === 'concat' ? [anyPseudoType] : [t.text, anyPseudoType],
      t.text,
      () => {
        throw unboundCallError(name);
      },
      // PostgreSQL marks concat/concat_ws STABLE: the output of some types depends on settings.
      { strict: false, volatility: 'stable', variadic: true, callTyping: 'variadic-any' },
    );
    return withCallBinder(entry, (argumentTypes) => ({
      function: bindConcatenation(entry, argumentTypes),
      argumentTypes,
      resultType: t.text,
    }));
  });
  return [
    scalar('repeat', [t.text, t.int4], t.text, ([text, count]) => repeatText(str(text), int(count))),
    scalar('length', [t.text], t.int4, ([text]) => characterCount(str(text))),
    scalar('length', [t.bytea], t.int4, ([value]) => bytes(value).length),
    scalar('char_length', [t.text], t.int4, ([text]) => characterCount(str(text))),
    scalar('character_length', [t.text], t.int4, ([text]) => characterCount(str(text))),
    scalar('octet_length', [t.text], t.int4, ([text]) => utf8Length(str(text))),
    scalar('octet_length', [t.bytea], t.int4, ([value]) => bytes(value).length),
    scalar('bit_length', [t.text], t.int4, ([text]) => 8 * utf8Length(str(text))),
    scalar('bit_length', [t.bytea], t.int4, ([value]) => 8 * bytes(value).length),
    scalar('upper', [t.text], t.text, ([text]) => asciiUpper(str(text))),
    scalar('lower', [t.text], t.text, ([text]) => asciiLower(str(text))),
    ...(['substr', 'substring'] as const).flatMap((name) => [
      scalar(name, [t.text, t.int4], t.text, ([text, start]) => textSubstring(str(text), int(start))),
      scalar(name, [t.text, t.int4, t.int4], t.text, ([text, start, count]) =>
        textSubstring(str(text), int(start), int(count))),
      scalar(name, [t.bytea, t.int4], t.bytea, ([value, start]) => byteaSubstring(bytes(value), int(start))),
      scalar(name, [t.bytea, t.int4, t.int4], t.bytea, ([value, start, count]) =>
        byteaSubstring(bytes(value), int(start), int(count))),
    ]),
    // POSITION(needle IN haystack) is parsed as position(haystack, needle), like strpos.
    scalar('position', [t.text, t.text], t.int4, ([haystack, needle]) => characterPosition(str(haystack), str(needle))),
    scalar('position', [t.bytea, t.bytea], t.int4, ([haystack, needle]) => byteaPosition(bytes(haystack), bytes(needle))),
    scalar('strpos', [t.text, t.text], t.int4, ([haystack, needle]) => characterPosition(str(haystack), str(needle))),
    scalar('starts_with', [t.text, t.text], t.bool, ([text, prefix]) => str(text).startsWith(str(prefix))),
    // split/join, not replaceAll: a replacement string must not interpret `$&` patterns.
    scalar('replace', [t.text, t.text, t.text], t.text, ([text, from, to]) =>
      str(from).length === 0 ? str(text) : str(text).split(str(from)).join(str(to))),
    scalar('reverse', [t.text], t.text, ([text]) => Array.from(str(text)).reverse().join('')),
    scalar('left', [t.text, t.int4], t.text, ([text, count]) => leftCharacters(str(text), int(count))),
    scalar('right', [t.text, t.int4], t.text, ([text, count]) => rightCharacters(str(text), int(count))),
    scalar('lpad', [t.text, t.int4], t.text, ([text, length]) => pad(str(text), int(length), ' ', true)),
    scalar('lpad', [t.text, t.int4, t.text], t.text, ([text, length, fill]) => pad(str(text), int(length), str(fill), true)),
    scalar('rpad', [t.text, t.int4], t.text, ([text, length]) => pad(str(text), int(length), ' ', false)),
    scalar('rpad', [t.text, t.int4, t.text], t.text, ([text, length, fill]) =>
      pad(str(text), int(length), str(fill), false)),
    scalar('btrim', [t.text], t.text, ([text]) => trim(str(text), ' ', 'both')),
    scalar('btrim', [t.text, t.text], t.text, ([text, characters]) => trim(str(text), str(characters), 'both')),
    scalar('ltrim', [t.text], t.text, ([text]) => trim(str(text), ' ', 'leading')),
    scalar('ltrim', [t.text, t.text], t.text, ([text, characters]) => trim(str(text), str(characters), 'leading')),
    scalar('rtrim', [t.text], t.text, ([text]) => trim(str(text), ' ', 'trailing')),
    scalar('rtrim', [t.text, t.text], t.text, ([text, characters]) => trim(str(text), str(characters), 'trailing')),
    ...concatenations,
  ];
}
