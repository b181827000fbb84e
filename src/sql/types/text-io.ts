/**
 * Every type's text output and input function, as PostgreSQL's typoutput / typinput: what psql prints and
 * COPY writes, and what a string literal or `text::type` cast turns into. Each input error carries the
 * SQLSTATE and text of the PostgreSQL function it reproduces (int4in, boolin, byteain, …).
 *
 * regclass needs the catalog, which lives above this layer: callers pass a RelationCatalog.
 */
import { type DnaValue, formatDna, parseDnaText } from '../../dna/index.js';
import { KmerSearchError, SqlState } from '../../errors.js';
import { Numeric } from '../numeric.js';
import {
  type RecordField,
  type RecordValue,
  type SqlType,
  type SqlValue,
} from './descriptors.js';
import { formatFloat4, formatFloat8, parseFloat4, parseFloat8 } from './float.js';
import { applyTypeModifier } from './modifiers.js';
import { type TimestampInputOptions, formatTimestamptz, parseTimestamptz } from './timestamp.js';
import { isCSpace } from '../c-characters.js';
import { keywordCategory } from '../lexer.js';

const INVALID_NAME = '42602';

/** What regclass input and output need from the catalog. */
export interface RelationCatalog {
  /** Id of the relation called `name` (in `schema`, or on the search path when undefined), if any. */
  relationId(name: string, schema: string | undefined): number | undefined;
  /** Name of the relation with this id (as stored, unquoted), if any. */
  relationName(id: number): string | undefined;
}

export interface ValueIoOptions extends TimestampInputOptions {
  readonly relations?: RelationCatalog | undefined;
}

function internalError(message: string): KmerSearchError {
  return new KmerSearchError(SqlState.internalError, message);
}

function representationError(value: SqlValue, type: SqlType): KmerSearchError {
  return internalError(`value of JS type ${typeof value} is not a valid ${type.formatName} value`);
}

export function isNumeric(value: SqlValue): value is Numeric {
  return value instanceof Numeric;
}

export function isDnaValue(value: SqlValue): value is DnaValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    (value.kind === 'dna2' || value.kind === 'dna4') &&
    'data' in value
  );
}

export function isRecordValue(value: SqlValue): value is RecordValue {
  return typeof value === 'object' && value !== null && 'fields' in value && 'values' in value;
}

// ---------------------------------------------------------------------------------------------------------
// Output

const HEX_DIGITS = '0123456789abcdef';

/** byteaout with bytea_output = hex: `\x` and two lower-case digits per byte. */
export function formatBytea(bytes: Uint8Array): string {
  let text = '\\x';
  for (const byte of bytes) text += (HEX_DIGITS[byte >> 4] ?? '') + (HEX_DIGITS[byte & 15] ?? '');
  return text;
}


/** record_out: `(a,b,)` with a field quoted when empty or containing `"` `\` `(` `)` `,` or whitespace. */
export function formatRecord(record: RecordValue, options: ValueIoOptions = {}): string {
  let text = '(';
  record.values.forEach((value, index) => {
    if (index > 0) text += ',';
    if (value === null) return;
    const fieldType = record.fields[index]?.type;
    if (fieldType === undefined) throw internalError('record value has more values than fields');
    const fieldText = formatValue(value, fieldType, options);
    let quote = fieldText === '';
    for (const character of fieldText) {
      if ('"\\(),'.includes(character) || isCSpace(character)) {
        quote = true;
        break;
      }
    }
    const escaped = fieldText.replace(/["\\]/g, (character) => character + character);
    text += quote ? `"${escaped}"` : escaped;
  });
  return `${text})`;
}

/** PostgreSQL's quote_identifier: quotes unless the name is lower-case, simple and not a (non-unreserved) keyword. */
export function quoteIdentifier(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && keywordCategory(name) === 'unreserved') return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** regclassout: `-` for 0, the (quoted) relation name, or the number when no relation has that id. */
export function formatRegclass(id: number, relations: RelationCatalog | undefined): string {
  if (id === 0) return '-';
  const name = relations?.relationName(id);
  return name === undefined ? String(id) : quoteIdentifier(name);
}

/**
 * The type's output function: the text psql prints and COPY writes. `value` must not be null (NULL has no
 * text form; callers print it as they need to).
 */
export function formatValue(value: SqlValue, type: SqlType, options: ValueIoOptions = {}): string {
  switch (type.id) {
    case 'unknown':
    case 'text':
    case 'varchar':
    case 'name':
      if (typeof value !== 'string') throw representationError(value, type);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw representationError(value, type);
      return value ? 't' : 'f';
    case 'int2':
    case 'int4':
    case 'oid':
      if (typeof value !== 'number') throw representationError(value, type);
      return String(value);
    case 'int8':
      if (typeof value !== 'bigint') throw representationError(value, type);
      return value.toString();
    case 'float4':
      if (typeof value !== 'number') throw representationError(value, type);
      return formatFloat4(value);
    case 'float8':
      if (typeof value !== 'number') throw representationError(value, type);
      return formatFloat8(value);
    case 'numeric':
      if (!isNumeric(value)) throw representationError(value, type);
      return value.toString();
    case 'bytea':
      if (!(value instanceof Uint8Array)) throw representationError(value, type);
      return formatBytea(value);
    case 'timestamptz':
      if (!(value instanceof Date)) throw representationError(value, type);
      return formatTimestamptz(value);
    case 'dna2':
    case 'dna4':
      if (!isDnaValue(value) || value.kind !== type.id) throw representationError(value, type);
      return formatDna(value);
    case 'regclass':
      if (typeof value !== 'number') throw representationError(value, type);
      return formatRegclass(value, options.relations);
    case 'record':
      if (!isRecordValue(value)) throw representationError(value, type);
      return formatRecord(value, options);
    case 'void':
      return '';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Input

type IntegerTypeName = 'smallint' | 'integer' | 'bigint';

const INTEGER_LIMITS: Readonly<Record<IntegerTypeName, readonly [bigint, bigint]>> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-(1n << 63n), (1n << 63n) - 1n],
};

/**
 * pg_strtoint16/32/64 (PostgreSQL 15): optional whitespace, sign, at least one decimal digit, optional
 * whitespace. Range is checked digit by digit, so `99999999999x` is out of range rather than bad syntax.
 */
export function parseIntegerText(text: string, typeName: IntegerTypeName): bigint {
  const [minimum, maximum] = INTEGER_LIMITS[typeName];
  let position = 0;
  while (isCSpace(text[position])) position++;
  let negative = false;
  if (text[position] === '-') {
    negative = true;
    position++;
  } else if (text[position] === '+') {
    position++;
  }
  const digitsStart = position;
  let magnitude = 0n;
  // Accumulate negatively, as PostgreSQL does, so that the minimum value fits.
  const limit = negative ? -minimum : maximum;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code < 48 || code > 57) break;
    magnitude = magnitude * 10n + BigInt(code - 48);
    if (magnitude > limit) {
      throw new KmerSearchError(
        SqlState.numericValueOutOfRange,
        `value "${text}" is out of range for type ${typeName}`,
      );
    }
    position++;
  }
  if (position === digitsStart) throw invalidIntegerSyntax(text, typeName);
  while (isCSpace(text[position])) position++;
  if (position !== text.length) throw invalidIntegerSyntax(text, typeName);
  return negative ? -magnitude : magnitude;
}

function invalidIntegerSyntax(text: string, typeName: string): KmerSearchError {
  return new KmerSearchError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${typeName}: "${text}"`,
  );
}

/** parse_bool_with_len: prefixes of true/false/yes/no (any case), on/off (at least two letters), 1 and 0. */
export function parseBoolWords(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (lower.length === 0) return undefined;
  const isPrefixOf = (word: string, minimum = 1): boolean =>
    lower.length >= minimum && lower.length <= word.length && word.startsWith(lower);
  switch (lower[0]) {
    case 't':
      return isPrefixOf('true') ? true : undefined;
    case 'f':
      return isPrefixOf('false') ? false : undefined;
    case 'y':
      return isPrefixOf('yes') ? true : undefined;
    case 'n':
      return isPrefixOf('no') ? false : undefined;
    case 'o':
      // 'o' alone is ambiguous between on and off.
      return isPrefixOf('on', 2) ? true : isPrefixOf('off', 2) ? false : undefined;
    case '1':
      return lower.length === 1 ? true : undefined;
    case '0':
      return lower.length === 1 ? false : undefined;
    default:
      return undefined;
  }
}

/** boolin: trims whitespace, then parse_bool; `invalid input syntax for type boolean: "…"` (22P02). */
export function parseBool(text: string): boolean {
  const result = parseBoolWords(text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, ''));
  if (result === undefined) {
    throw new KmerSearchError(SqlState.invalidTextRepresentation, `invalid input syntax for type boolean: "${text}"`);
  }
  return result;
}

const utf8Encoder = new TextEncoder();

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/**
 * byteain: `\x` hex (whitespace allowed between bytes; 22023 `invalid hexadecimal digit: "…"` and
 * `invalid hexadecimal data: odd number of digits`) or the escape format (other bytes as themselves,
 * `\\` for a backslash, `\ooo` octal; 22P02 `invalid input syntax for type bytea` otherwise). The text is
 * taken as UTF-8 bytes.
 */
export function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) {
    const output = new Uint8Array((text.length - 2) >> 1);
    let length = 0;
    let position = 2;
    while (position < text.length) {
      const character = text[position] ?? '';
      if (character === ' ' || character === '\n' || character === '\t' || character === '\r') {
        position++;
        continue;
      }
      const high = hexValue(text.charCodeAt(position));
      if (high < 0) throw invalidHexDigit(text, position);
      position++;
      if (position >= text.length) {
        throw new KmerSearchError(SqlState.invalidParameterValue, 'invalid hexadecimal data: odd number of digits');
      }
      const low = hexValue(text.charCodeAt(position));
      if (low < 0) throw invalidHexDigit(text, position);
      position++;
      output[length++] = (high << 4) | low;
    }
    return output.slice(0, length);
  }
  const bytes = utf8Encoder.encode(text);
  const output = new Uint8Array(bytes.length);
  let length = 0;
  for (let position = 0; position < bytes.length; ) {
    const byte = bytes[position] ?? 0;
    if (byte !== 0x5c) {
      output[length++] = byte;
      position++;
      continue;
    }
    const first = bytes[position + 1] ?? 0;
    const second = bytes[position + 2] ?? 0;
    const third = bytes[position + 3] ?? 0;
    if (first >= 0x30 && first <= 0x33 && second >= 0x30 && second <= 0x37 && third >= 0x30 && third <= 0x37) {
      output[length++] = ((first - 0x30) << 6) | ((second - 0x30) << 3) | (third - 0x30);
      position += 4;
    } else if (first === 0x5c) {
      output[length++] = 0x5c;
      position += 2;
    } else {
      throw new KmerSearchError(SqlState.invalidTextRepresentation, 'invalid input syntax for type bytea');
    }
  }
  return output.slice(0, length);
}

function invalidHexDigit(text: string, position: number): KmerSearchError {
  const character = String.fromCodePoint(text.codePointAt(position) ?? 0);
  return new KmerSearchError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${character}"`);
}

const UINT32_LIMIT = 4294967296;

/**
 * oidin: strtoul with PostgreSQL's checks. Negative inputs down to −2147483648 are accepted and wrap (−1
 * is 4294967295), for backward compatibility, as in PostgreSQL.
 */
export function parseOid(text: string): number {
  const invalid = (): KmerSearchError =>
    new KmerSearchError(SqlState.invalidTextRepresentation, `invalid input syntax for type oid: "${text}"`);
  const outOfRange = (): KmerSearchError =>
    new KmerSearchError(SqlState.numericValueOutOfRange, `value "${text}" is out of range for type oid`);
  const match = /^[ \t\n\v\f\r]*([+-]?)(\d+)[ \t\n\v\f\r]*$/.exec(text);
  if (match === null) throw invalid();
  const magnitude = BigInt(match[2] ?? '0');
  if (match[1] === '-') {
    if (magnitude > 2147483648n) throw outOfRange();
    return magnitude === 0n ? 0 : UINT32_LIMIT - Number(magnitude);
  }
  if (magnitude >= BigInt(UINT32_LIMIT)) throw outOfRange();
  return Number(magnitude);
}

const NAME_MAX_BYTES = 63;

/** namein / truncate_identifier: at most 63 UTF-8 bytes, cut at a character boundary. */
export function truncateName(name: string): string {
  if (name.length <= NAME_MAX_BYTES / 3) return name;
  let bytes = 0;
  let end = 0;
  for (const character of name) {
    const size = utf8Encoder.encode(character).length;
    if (bytes + size > NAME_MAX_BYTES) break;
    bytes += size;
    end += character.length;
  }
  return name.slice(0, end);
}

/**
 * stringToQualifiedNameList: names separated by dots, unquoted ones folded to lower case (ASCII only, as
 * for UTF-8 databases), `"…"` quoted ones kept with `""` as a quote; whitespace around names allowed.
 * 42602 `invalid name syntax` otherwise.
 */
export function parseQualifiedName(text: string): string[] {
  const invalid = (): KmerSearchError => new KmerSearchError(INVALID_NAME, 'invalid name syntax');
  const names: string[] = [];
  let position = 0;
  while (isCSpace(text[position])) position++;
  if (position === text.length) throw invalid();
  for (;;) {
    let name = '';
    if (text[position] === '"') {
      position++;
      for (;;) {
        const end = text.indexOf('"', position);
        if (end < 0) throw invalid();
        name += text.slice(position, end);
        position = end + 1;
        if (text[position] !== '"') break;
        name += '"';
        position++;
      }
    } else {
      const start = position;
      while (position < text.length && text[position] !== '.' && !isCSpace(text[position])) position++;
      if (position === start) throw invalid();
      name = text.slice(start, position).replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
    }
    names.push(truncateName(name));
    while (isCSpace(text[position])) position++;
    if (position === text.length) return names;
    if (text[position] !== '.') throw invalid();
    position++;
    while (isCSpace(text[position])) position++;
  }
}

/**
 * regclassin: `-` is 0, a string of digits is taken as the id itself (existing or not), anything else is a
 * possibly qualified relation name looked up in the catalog (42P01 `relation "…" does not exist`).
 */
export function parseRegclass(text: string, relations: RelationCatalog | undefined): number {
  if (text === '-') return 0;
  if (/^\d+$/.test(text)) return parseOid(text);
  const names = parseQualifiedName(text);
  if (names.length > 3) {
    throw new KmerSearchError(
      SqlState.syntaxError,
      `improper relation name (too many dotted names): ${names.join('.')}`,
    );
  }
  if (names.length === 3) {
    throw new KmerSearchError(
      SqlState.featureNotSupported,
      `cross-database references are not implemented: ${names.join('.')}`,
    );
  }
  const name = names[names.length - 1] ?? '';
  const schema = names.length === 2 ? names[0] : undefined;
  const id = relations?.relationId(name, schema);
  if (id === undefined) {
    throw new KmerSearchError(
      SqlState.undefinedTable,
      `relation "${schema === undefined ? name : `${schema}.${name}`}" does not exist`,
    );
  }
  return id;
}

function malformedRecord(text: string, detail: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidTextRepresentation, `malformed record literal: "${text}"`, { detail });
}

/**
 * record_in for a composite type with known fields: `(a,"b c",)`; an empty field is NULL, `""` is the empty
 * string, `\` escapes the next character. Anonymous `record` has no input (0A000), as in PostgreSQL.
 */
export function parseRecord(text: string, fields: readonly RecordField[], options: ValueIoOptions = {}): RecordValue {
  if (fields.length === 0) {
    throw new KmerSearchError(SqlState.featureNotSupported, 'input of anonymous composite types is not implemented');
  }
  let position = 0;
  while (isCSpace(text[position])) position++;
  if (text[position] !== '(') throw malformedRecord(text, 'Missing left parenthesis.');
  position++;
  const values: SqlValue[] = [];
  for (const [index, field] of fields.entries()) {
    if (index > 0) {
      if (text[position] !== ',') throw malformedRecord(text, 'Too few columns.');
      position++;
    }
    if (text[position] === ',' || text[position] === ')') {
      values.push(null);
      continue;
    }
    let fieldText = '';
    let inQuotes = false;
    while (inQuotes || !(text[position] === ',' || text[position] === ')')) {
      const character = text[position++];
      if (character === undefined) throw malformedRecord(text, 'Unexpected end of input.');
      if (character === '\\') {
        const escaped = text[position++];
        if (escaped === undefined) throw malformedRecord(text, 'Unexpected end of input.');
        fieldText += escaped;
      } else if (character === '"') {
        if (!inQuotes) inQuotes = true;
        else if (text[position] === '"') fieldText += text[position++];
        else inQuotes = false;
      } else {
        fieldText += character;
      }
    }
    values.push(parseValue(fieldText, field.type, options));
  }
  if (text[position] !== ')') throw malformedRecord(text, 'Too many columns.');
  position++;
  while (isCSpace(text[position])) position++;
  if (position !== text.length) throw malformedRecord(text, 'Junk after right parenthesis.');
  return Object.freeze({ fields, values: Object.freeze(values) });
}

function toInteger(value: bigint): number {
  return Number(value);
}

/**
 * The type's input function, then its modifier with input semantics (varchar: excess non-space characters
 * raise 22001; numeric(p, s): rounding and 22003): what COPY FROM and an untyped literal in an INSERT do.
 */
export function parseValue(text: string, type: SqlType, options: ValueIoOptions = {}): SqlValue {
  const value = parseBaseValue(text, type, options);
  return type.modifier === undefined ? value : applyTypeModifier(value, type, 'assignment');
}

/** The input function alone (PostgreSQL passes typmod −1 when coercing a literal in a cast). */
export function parseBaseValue(text: string, type: SqlType, options: ValueIoOptions = {}): SqlValue {
  switch (type.id) {
    case 'unknown':
    case 'text':
    case 'varchar':
      return text;
    case 'name':
      return truncateName(text);
    case 'bool':
      return parseBool(text);
    case 'int2':
      return toInteger(parseIntegerText(text, 'smallint'));
    case 'int4':
      return toInteger(parseIntegerText(text, 'integer'));
    case 'int8':
      return parseIntegerText(text, 'bigint');
    case 'float4':
      return parseFloat4(text);
    case 'float8':
      return parseFloat8(text);
    case 'numeric':
      return Numeric.parse(text);
    case 'bytea':
      return parseBytea(text);
    case 'timestamptz':
      return parseTimestamptz(text, options);
    case 'dna2':
    case 'dna4':
      return parseDnaText(type.id, text);
    case 'regclass':
      return parseRegclass(text, options.relations);
    case 'oid':
      return parseOid(text);
    case 'record':
      return parseRecord(text, type.fields ?? [], options);
    case 'void':
      return null;
  }
}
