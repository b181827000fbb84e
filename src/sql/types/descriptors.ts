/**
 * The SQL types the engine knows, as descriptors carrying what PostgreSQL's pg_type says about them: the
 * internal name (`typname`, a cast's column header: `int4`), the name errors print (format_type_be:
 * `integer`), the OID reported in result fields, the category and preferred flag that drive operator and
 * function resolution, and whether psql right-aligns the column. Plus the in-memory value representation
 * shared by the executor and storage.
 */
import type { DnaValue } from '../../dna/index.js';
import { KmerSearchError, SqlState } from '../../errors.js';
import type { Numeric } from '../numeric.js';

export type TypeId =
  | 'unknown'
  | 'text'
  | 'varchar'
  | 'name'
  | 'bool'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'float4'
  | 'float8'
  | 'numeric'
  | 'bytea'
  | 'timestamptz'
  | 'dna2'
  | 'dna4'
  | 'regclass'
  | 'oid'
  | 'record'
  | 'void';

/**
 * pg_type.typcategory: A array, B boolean, C composite, D date/time, E enum, G geometric, I network,
 * N numeric, P pseudo-type, R range, S string, T timespan, U user-defined, V bit string, X unknown.
 */
export type TypeCategory = 'A' | 'B' | 'C' | 'D' | 'E' | 'G' | 'I' | 'N' | 'P' | 'R' | 'S' | 'T' | 'U' | 'V' | 'X';

/** A type modifier as written: `varchar(10)`, `numeric(10, 2)`, `timestamptz(3)`. */
export type TypeModifier =
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'numeric'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'precision'; readonly precision: number };

export interface RecordField {
  readonly name: string;
  readonly type: SqlType;
}

export interface SqlType {
  readonly id: TypeId;
  /** pg_type.typname: the column header of a cast (`SELECT 1::integer` prints `int4`). */
  readonly typeName: string;
  /** format_type_be: the name in error texts (`integer`, `character varying`, `timestamp with time zone`). */
  readonly formatName: string;
  /** The OID in result fields (PostgreSQL's builtin OIDs; DNA2_TYPE_OID / DNA4_TYPE_OID for the DNA types). */
  readonly oid: number;
  /** pg_type.typlen: bytes of a fixed-length value, −1 for varlena, −2 for C strings (node-postgres' dataTypeSize). */
  readonly length: number;
  readonly category: TypeCategory;
  /** pg_type.typispreferred: the preferred type of its category wins ambiguous resolutions. */
  readonly preferred: boolean;
  /** psql right-aligns exactly int2, int4, int8, float4, float8, numeric, oid (and xid, cid, money). */
  readonly alignRight: boolean;
  readonly modifier: TypeModifier | undefined;
  /** The columns of a composite (record) type; undefined for every other type. */
  readonly fields: readonly RecordField[] | undefined;
}

/** A composite value (e.g. the result of `kmersearch_query_kmer_cache_stats()`), printed as `(0,0,0,0)`. */
export interface RecordValue {
  readonly fields: readonly RecordField[];
  readonly values: readonly SqlValue[];
}

/**
 * The in-memory representation of a value, fixed for the executor and storage: int2/int4/float4/float8/oid/
 * regclass are numbers (float4 values are exactly representable in float32), int8 is bigint, text/varchar/
 * name/unknown are strings, bytea a Uint8Array, timestamptz a Date (millisecond precision), dna2/dna4 a
 * DnaValue, numeric a Numeric, composites a RecordValue, NULL is null, void is null.
 */
export type SqlValue = null | boolean | number | bigint | string | Uint8Array | DnaValue | Date | Numeric | RecordValue;

/**
 * OIDs of the DNA types. PostgreSQL assigns an extension's types an OID ≥ 16384 at CREATE EXTENSION, which
 * differs between databases; kmersearch fixes these two so that clients can recognise the types.
 */
export const DNA2_TYPE_OID = 16385;
export const DNA4_TYPE_OID = 16386;

function baseType(
  id: TypeId,
  typeName: string,
  formatName: string,
  oid: number,
  length: number,
  category: TypeCategory,
  preferred: boolean,
  alignRight: boolean,
): SqlType {
  return Object.freeze({
    id,
    typeName,
    formatName,
    oid,
    length,
    category,
    preferred,
    alignRight,
    modifier: undefined,
    fields: undefined,
  });
}

/** The unmodified types (no length, precision or fields). */
export const sqlTypes = Object.freeze({
  /** The type of an untyped string literal until context resolves it. */
  unknown: baseType('unknown', 'unknown', 'unknown', 705, -2, 'X', false, false),
  text: baseType('text', 'text', 'text', 25, -1, 'S', true, false),
  varchar: baseType('varchar', 'varchar', 'character varying', 1043, -1, 'S', false, false),
  name: baseType('name', 'name', 'name', 19, 64, 'S', false, false),
  bool: baseType('bool', 'bool', 'boolean', 16, 1, 'B', true, false),
  int2: baseType('int2', 'int2', 'smallint', 21, 2, 'N', false, true),
  int4: baseType('int4', 'int4', 'integer', 23, 4, 'N', false, true),
  int8: baseType('int8', 'int8', 'bigint', 20, 8, 'N', false, true),
  float4: baseType('float4', 'float4', 'real', 700, 4, 'N', false, true),
  float8: baseType('float8', 'float8', 'double precision', 701, 8, 'N', true, true),
  numeric: baseType('numeric', 'numeric', 'numeric', 1700, -1, 'N', false, true),
  bytea: baseType('bytea', 'bytea', 'bytea', 17, -1, 'U', false, false),
  timestamptz: baseType('timestamptz', 'timestamptz', 'timestamp with time zone', 1184, 8, 'D', true, false),
  dna2: baseType('dna2', 'dna2', 'dna2', DNA2_TYPE_OID, -1, 'U', false, false),
  dna4: baseType('dna4', 'dna4', 'dna4', DNA4_TYPE_OID, -1, 'U', false, false),
  regclass: baseType('regclass', 'regclass', 'regclass', 2205, 4, 'N', false, false),
  oid: baseType('oid', 'oid', 'oid', 26, 4, 'N', true, true),
  record: Object.freeze({
    ...baseType('record', 'record', 'record', 2249, -1, 'P', false, false),
    fields: Object.freeze([]) as readonly RecordField[],
  }),
  void: baseType('void', 'void', 'void', 2278, 4, 'P', false, false),
} satisfies Record<TypeId, SqlType>);

/** `varchar(length)`; without a length, plain `varchar` (no limit). */
export function varcharType(length?: number): SqlType {
  if (length === undefined) return sqlTypes.varchar;
  return Object.freeze({ ...sqlTypes.varchar, modifier: Object.freeze({ kind: 'length', length }) });
}

/** `numeric(precision, scale)`; without arguments, unconstrained `numeric`. */
export function numericType(precision?: number, scale = 0): SqlType {
  if (precision === undefined) return sqlTypes.numeric;
  return Object.freeze({ ...sqlTypes.numeric, modifier: Object.freeze({ kind: 'numeric', precision, scale }) });
}

/** `timestamptz(precision)`: fractional seconds rounded to `precision` digits (0–6). */
export function timestamptzType(precision?: number): SqlType {
  if (precision === undefined) return sqlTypes.timestamptz;
  return Object.freeze({ ...sqlTypes.timestamptz, modifier: Object.freeze({ kind: 'precision', precision }) });
}

/**
 * A composite type. Anonymous (`record`, OID 2249) unless `name` is given, e.g.
 * `kmersearch_analysis_result`, which errors then print; `oid` defaults to record's.
 */
export function recordType(fields: readonly RecordField[], name?: string, oid?: number): SqlType {
  return Object.freeze({
    ...sqlTypes.record,
    typeName: name ?? 'record',
    formatName: name ?? 'record',
    oid: oid ?? sqlTypes.record.oid,
    fields: Object.freeze([...fields]),
  });
}

/** format_type_with_typemod: `character varying(10)`, `numeric(10,2)`, `timestamp(3) with time zone`. */
export function formatTypeWithModifier(type: SqlType): string {
  const modifier = type.modifier;
  if (modifier === undefined) return type.formatName;
  switch (modifier.kind) {
    case 'length':
      return `${type.formatName}(${modifier.length})`;
    case 'numeric':
      return `${type.formatName}(${modifier.precision},${modifier.scale})`;
    case 'precision':
      return `timestamp(${modifier.precision}) with time zone`;
  }
}

/** pg_attribute.atttypmod as PostgreSQL encodes it (node-postgres' dataTypeModifier): −1 without a modifier. */
export function encodedTypeModifier(type: SqlType): number {
  const modifier = type.modifier;
  if (modifier === undefined) return -1;
  switch (modifier.kind) {
    case 'length':
      return modifier.length + 4;
    case 'numeric':
      return ((modifier.precision << 16) | (modifier.scale & 0x7ff)) + 4;
    case 'precision':
      return modifier.precision;
  }
}

/** Same type, modifiers aside (resolution and cast lookup work on these). */
export function sameBaseType(left: SqlType, right: SqlType): boolean {
  return left.id === right.id;
}

/** int2, int4, int8. */
export function isIntegerType(type: SqlType): boolean {
  return type.id === 'int2' || type.id === 'int4' || type.id === 'int8';
}

/** text, varchar, name and unknown, whose values are all JS strings compared the same way. */
export function isStringType(type: SqlType): boolean {
  return type.id === 'text' || type.id === 'varchar' || type.id === 'name' || type.id === 'unknown';
}

// ---------------------------------------------------------------------------------------------------------
// Type names as written in SQL

/** Spellings that name a type (the parser already maps SQL-standard multi-word names to internal ones). */
const TYPES_BY_NAME: ReadonlyMap<string, SqlType> = new Map<string, SqlType>([
  ['unknown', sqlTypes.unknown],
  ['text', sqlTypes.text],
  ['varchar', sqlTypes.varchar],
  ['character varying', sqlTypes.varchar],
  ['name', sqlTypes.name],
  ['bool', sqlTypes.bool],
  ['boolean', sqlTypes.bool],
  ['int2', sqlTypes.int2],
  ['smallint', sqlTypes.int2],
  ['int4', sqlTypes.int4],
  ['int', sqlTypes.int4],
  ['integer', sqlTypes.int4],
  ['int8', sqlTypes.int8],
  ['bigint', sqlTypes.int8],
  ['float4', sqlTypes.float4],
  ['real', sqlTypes.float4],
  ['float8', sqlTypes.float8],
  ['float', sqlTypes.float8],
  ['double precision', sqlTypes.float8],
  ['numeric', sqlTypes.numeric],
  ['decimal', sqlTypes.numeric],
  ['dec', sqlTypes.numeric],
  ['bytea', sqlTypes.bytea],
  ['timestamptz', sqlTypes.timestamptz],
  ['timestamp with time zone', sqlTypes.timestamptz],
  ['dna2', sqlTypes.dna2],
  ['dna4', sqlTypes.dna4],
  ['regclass', sqlTypes.regclass],
  ['oid', sqlTypes.oid],
  ['record', sqlTypes.record],
  ['void', sqlTypes.void],
]);

function invalidParameter(message: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidParameterValue, message);
}

/**
 * The type a name denotes, with its modifiers checked as PostgreSQL's typmodin functions check them.
 * Errors: 42704 `type "x" does not exist`, 42601 `type modifier is not allowed for type "x"`, and the
 * 22023 range errors of varchar, numeric, float(p) and timestamptz(p). `serial`/`bigserial` are column
 * definition shorthands, not types: the DDL code maps them before calling this.
 */
export function lookupType(name: string, modifiers: readonly number[] = []): SqlType {
  const normalized = name.replace(/\s+/g, ' ').trim();
  const type = TYPES_BY_NAME.get(normalized);
  if (type === undefined) {
    throw new KmerSearchError(SqlState.undefinedObject, `type "${name}" does not exist`);
  }
  if (modifiers.length === 0) return type;
  if (normalized === 'float') {
    // The grammar's float(p): p binary digits pick real or double precision.
    if (modifiers.length !== 1) throw invalidParameter('invalid type modifier');
    const bits = modifiers[0] ?? 0;
    if (bits < 1) throw invalidParameter('precision for type float must be at least 1 bit');
    if (bits > 53) throw invalidParameter('precision for type float must be less than 54 bits');
    return bits <= 24 ? sqlTypes.float4 : sqlTypes.float8;
  }
  switch (type.id) {
    case 'varchar': {
      if (modifiers.length !== 1) throw invalidParameter('invalid type modifier');
      const length = modifiers[0] ?? 0;
      if (length < 1) throw invalidParameter('length for type varchar must be at least 1');
      if (length > 10485760) throw invalidParameter('length for type varchar cannot exceed 10485760');
      return varcharType(length);
    }
    case 'numeric': {
      if (modifiers.length > 2) throw invalidParameter('invalid NUMERIC type modifier');
      const precision = modifiers[0] ?? 0;
      const scale = modifiers[1] ?? 0;
      if (precision < 1 || precision > 1000) {
        throw invalidParameter(`NUMERIC precision ${precision} must be between 1 and 1000`);
      }
      if (scale < -1000 || scale > 1000) {
        throw invalidParameter(`NUMERIC scale ${scale} must be between -1000 and 1000`);
      }
      return numericType(precision, scale);
    }
    case 'timestamptz': {
      if (modifiers.length !== 1) throw invalidParameter('invalid type modifier');
      const precision = modifiers[0] ?? 0;
      if (precision < 0) {
        throw invalidParameter(`TIMESTAMP(${precision}) WITH TIME ZONE precision must not be negative`);
      }
      // PostgreSQL warns and reduces a precision above 6; microseconds are its finest unit.
      return timestamptzType(Math.min(precision, 6));
    }
    default:
      throw new KmerSearchError(SqlState.syntaxError, `type modifier is not allowed for type "${type.typeName}"`);
  }
}
