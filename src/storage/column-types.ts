/**
 * The engine's column types and the in-memory representation of their values.
 *
 * Storage is the lowest layer that knows about SQL types, so the type set lives here: the SQL layer maps type
 * names to these descriptors and hands storage values already coerced to the representation below. Storage still
 * checks every value it is given, because a wrongly typed value would otherwise be written to disk silently.
 */
import type { DnaValue } from '../dna/types.js';
import { KmerSearchError, SqlState } from '../errors.js';

/** Storage types. serial/bigserial are not storage types: they are int4/int8 columns with a sequence default. */
export type ColumnTypeName =
  | 'dna2'
  | 'dna4'
  | 'text'
  | 'varchar'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'bool'
  | 'float4'
  | 'float8'
  | 'bytea'
  | 'timestamptz';

export interface ColumnType {
  readonly name: ColumnTypeName;
  /** varchar(n): the declared maximum length in characters. Absent for unbounded varchar and all other types. */
  readonly maxLength?: number;
}

/**
 * A value in memory: int2/int4/float4/float8 are numbers, int8 is a bigint (so that the full 64-bit range is
 * exact), text/varchar strings, bytea Uint8Array, dna2/dna4 DnaValue, timestamptz Date (millisecond precision).
 */
export type ColumnValue = null | boolean | number | bigint | string | Uint8Array | DnaValue | Date;

export const ColumnTypes = Object.freeze({
  dna2: Object.freeze({ name: 'dna2' }),
  dna4: Object.freeze({ name: 'dna4' }),
  text: Object.freeze({ name: 'text' }),
  varchar: Object.freeze({ name: 'varchar' }),
  int2: Object.freeze({ name: 'int2' }),
  int4: Object.freeze({ name: 'int4' }),
  int8: Object.freeze({ name: 'int8' }),
  bool: Object.freeze({ name: 'bool' }),
  float4: Object.freeze({ name: 'float4' }),
  float8: Object.freeze({ name: 'float8' }),
  bytea: Object.freeze({ name: 'bytea' }),
  timestamptz: Object.freeze({ name: 'timestamptz' }),
} satisfies Record<ColumnTypeName, ColumnType>);

/** varchar(n); `varcharType()` is unbounded varchar. */
export function varcharType(maxLength?: number): ColumnType {
  if (maxLength === undefined) return ColumnTypes.varchar;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 10_485_760) {
    throw new KmerSearchError(SqlState.invalidParameterValue, 'length for type varchar must be at least 1');
  }
  return Object.freeze({ name: 'varchar', maxLength });
}

export type SerialKind = 'serial' | 'bigserial';

export interface ResolvedTypeName {
  readonly type: ColumnType;
  /** Set for serial/bigserial: the column gets a sequence, a nextval default and NOT NULL. */
  readonly serial: SerialKind | null;
}

const typeNameAliases: ReadonlyMap<string, ResolvedTypeName> = new Map<string, ResolvedTypeName>([
  ['dna2', { type: ColumnTypes.dna2, serial: null }],
  ['dna4', { type: ColumnTypes.dna4, serial: null }],
  ['text', { type: ColumnTypes.text, serial: null }],
  ['varchar', { type: ColumnTypes.varchar, serial: null }],
  ['character varying', { type: ColumnTypes.varchar, serial: null }],
  ['int2', { type: ColumnTypes.int2, serial: null }],
  ['smallint', { type: ColumnTypes.int2, serial: null }],
  ['int4', { type: ColumnTypes.int4, serial: null }],
  ['int', { type: ColumnTypes.int4, serial: null }],
  ['integer', { type: ColumnTypes.int4, serial: null }],
  ['int8', { type: ColumnTypes.int8, serial: null }],
  ['bigint', { type: ColumnTypes.int8, serial: null }],
  ['serial', { type: ColumnTypes.int4, serial: 'serial' }],
  ['serial4', { type: ColumnTypes.int4, serial: 'serial' }],
  ['bigserial', { type: ColumnTypes.int8, serial: 'bigserial' }],
  ['serial8', { type: ColumnTypes.int8, serial: 'bigserial' }],
  ['bool', { type: ColumnTypes.bool, serial: null }],
  ['boolean', { type: ColumnTypes.bool, serial: null }],
  ['float4', { type: ColumnTypes.float4, serial: null }],
  ['real', { type: ColumnTypes.float4, serial: null }],
  ['float8', { type: ColumnTypes.float8, serial: null }],
  ['float', { type: ColumnTypes.float8, serial: null }],
  ['double precision', { type: ColumnTypes.float8, serial: null }],
  ['bytea', { type: ColumnTypes.bytea, serial: null }],
  ['timestamptz', { type: ColumnTypes.timestamptz, serial: null }],
  ['timestamp with time zone', { type: ColumnTypes.timestamptz, serial: null }],
]);

/**
 * Maps a SQL type name (any case, any inner whitespace) to a storage type; `typeModifier` is the n of varchar(n).
 * Returns undefined for unknown names so that the SQL layer can raise its own positioned error.
 */
export function resolveTypeName(sqlName: string, typeModifier?: number): ResolvedTypeName | undefined {
  const normalized = sqlName.trim().toLowerCase().replace(/\s+/g, ' ');
  const resolved = typeNameAliases.get(normalized);
  if (resolved === undefined) return undefined;
  if (typeModifier !== undefined && resolved.type.name === 'varchar') {
    return { type: varcharType(typeModifier), serial: null };
  }
  return resolved;
}

const displayNames: Readonly<Record<ColumnTypeName, string>> = {
  dna2: 'dna2',
  dna4: 'dna4',
  text: 'text',
  varchar: 'character varying',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  bool: 'boolean',
  float4: 'real',
  float8: 'double precision',
  bytea: 'bytea',
  timestamptz: 'timestamp with time zone',
};

/** PostgreSQL's format_type() spelling, used in error texts and by export. */
export function formatColumnType(type: ColumnType): string {
  const base = displayNames[type.name];
  return type.maxLength === undefined ? base : `${base}(${type.maxLength})`;
}

export function columnTypesEqual(left: ColumnType, right: ColumnType): boolean {
  return left.name === right.name && left.maxLength === right.maxLength;
}

export function isDnaValue(value: unknown): value is DnaValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    'bitLength' in value &&
    'data' in value &&
    (value.kind === 'dna2' || value.kind === 'dna4')
  );
}

const integerRanges = {
  int2: { min: -32768, max: 32767, message: 'smallint out of range' },
  int4: { min: -2147483648, max: 2147483647, message: 'integer out of range' },
} as const;
const int8Min = -(1n << 63n);
const int8Max = (1n << 63n) - 1n;

function wrongRepresentation(type: ColumnType, value: unknown, columnName: string | undefined): KmerSearchError {
  const shown = typeof value === 'object' ? (value === null ? 'null' : value.constructor.name) : typeof value;
  const where = columnName === undefined ? '' : ` for column "${columnName}"`;
  return new KmerSearchError(
    SqlState.internalError,
    `a value of JavaScript type ${shown} cannot be stored as ${formatColumnType(type)}${where}`,
  );
}

/**
 * The first lone UTF-16 surrogate or NUL of a string, or -1. PostgreSQL text can hold neither; a lone surrogate
 * would also not survive the UTF-8 round trip.
 */
function firstInvalidTextUnit(text: string): number {
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit === 0) return index;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index += 1;
        continue;
      }
      return index;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return index;
  }
  return -1;
}

function invalidTextError(text: string, index: number): KmerSearchError {
  const unit = text.charCodeAt(index);
  // Show the bytes the way PostgreSQL reports an invalid UTF-8 sequence (a surrogate encoded as CESU-8).
  const bytes =
    unit === 0 ? [0] : [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
  const shown = bytes.map((byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(' ');
  return new KmerSearchError(SqlState.characterNotInRepertoire, `invalid byte sequence for encoding "UTF8": ${shown}`);
}

/** Number of Unicode code points, which is what varchar(n) limits. */
function codePointLength(text: string): number {
  let length = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) index += 1;
    length += 1;
  }
  return length;
}

/**
 * Throws unless `value` is a valid representation of `type`: the right JavaScript type, integers in range, text
 * that UTF-8 can hold, varchar within its length, DNA of the column's kind with consistent length.
 * NULL is always accepted here; NOT NULL is a table constraint checked by the write transaction.
 */
export function checkColumnValue(type: ColumnType, value: ColumnValue, columnName?: string): void {
  if (value === null) return;
  switch (type.name) {
    case 'bool':
      if (typeof value !== 'boolean') throw wrongRepresentation(type, value, columnName);
      return;
    case 'int2':
    case 'int4': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongRepresentation(type, value, columnName);
      const range = integerRanges[type.name];
      if (value < range.min || value > range.max) {
        throw new KmerSearchError(SqlState.numericValueOutOfRange, range.message);
      }
      return;
    }
    case 'int8':
      if (typeof value !== 'bigint') throw wrongRepresentation(type, value, columnName);
      if (value < int8Min || value > int8Max) {
        throw new KmerSearchError(SqlState.numericValueOutOfRange, 'bigint out of range');
      }
      return;
    case 'float4':
    case 'float8':
      if (typeof value !== 'number') throw wrongRepresentation(type, value, columnName);
      return;
    case 'text':
    case 'varchar': {
      if (typeof value !== 'string') throw wrongRepresentation(type, value, columnName);
      const invalidAt = firstInvalidTextUnit(value);
      if (invalidAt >= 0) throw invalidTextError(value, invalidAt);
      if (type.maxLength !== undefined && value.length > type.maxLength && codePointLength(value) > type.maxLength) {
        throw new KmerSearchError(
          SqlState.stringDataRightTruncation,
          `value too long for type character varying(${type.maxLength})`,
        );
      }
      return;
    }
    case 'bytea':
      if (!(value instanceof Uint8Array)) throw wrongRepresentation(type, value, columnName);
      return;
    case 'timestamptz':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw wrongRepresentation(type, value, columnName);
      return;
    case 'dna2':
    case 'dna4': {
      if (!isDnaValue(value) || value.kind !== type.name) throw wrongRepresentation(type, value, columnName);
      const bitsPerBase = type.name === 'dna2' ? 2 : 4;
      if (
        !Number.isInteger(value.bitLength) ||
        value.bitLength < 0 ||
        value.bitLength % bitsPerBase !== 0 ||
        value.bitLength > 0xffffffff ||
        value.data.length !== Math.ceil(value.bitLength / 8)
      ) {
        throw new KmerSearchError(
          SqlState.internalError,
          `inconsistent ${type.name} value: bit length ${value.bitLength} with ${value.data.length} data bytes`,
        );
      }
      return;
    }
  }
}
