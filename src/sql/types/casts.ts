/**
 * Casts between the engine's types, following PostgreSQL's pg_cast and find_coercion_pathway:
 *
 * - a pg_cast entry, usable in its context and above (implicit < assignment < explicit): integer widening
 *   and int/float/numeric → float/numeric are implicit; narrowing is assignment (with range errors);
 *   int4 ↔ bool is explicit only; text ↔ varchar ↔ name and int/oid/regclass are binary-compatible;
 * - otherwise an I/O conversion (output function, then input function): to a string type in assignment
 *   and explicit contexts, from a string type in explicit context only;
 * - a literal of type unknown converts through the target's input function in any context;
 * - then the target's modifier (varchar(n), numeric(p, s), timestamptz(p)) with the context's semantics.
 *
 * So a dna2 column accepts a string literal but not a text expression: that is the 42804 error built by
 * `assignmentTypeMismatchError`.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { Numeric } from '../numeric.js';
import type { SqlType, SqlValue, TypeId } from './descriptors.js';
import {
  bigintToFloat32,
  float8ToFloat4,
  parseFloat4,
  parseFloat8,
  roundedDecimalOfDouble,
  roundHalfEven,
} from './float.js';
import { type CastContext, applyTypeModifier } from './modifiers.js';
import { type ValueIoOptions, formatValue, parseBaseValue, parseRegclass, truncateName } from './text-io.js';

export type { CastContext } from './modifiers.js';

/** How a cast is carried out; 'input' is the unknown-literal path, 'io' output-then-input. */
export type CastMethod = 'identity' | 'function' | 'binary' | 'io' | 'input';

export interface CastPath {
  readonly method: CastMethod;
  /** The least context in which the path is allowed. */
  readonly context: CastContext;
}


const contextRank: Readonly<Record<CastContext, number>> = { implicit: 0, assignment: 1, explicit: 2 };

type Converter = (value: SqlValue, options: ValueIoOptions) => SqlValue;

interface CastEntry {
  readonly context: CastContext;
  readonly method: 'function' | 'binary';
  readonly convert: Converter;
}

const castTable = new Map<string, CastEntry>();

function castKey(source: TypeId, target: TypeId): string {
  return `${source}>${target}`;
}

function define(source: TypeId, target: TypeId, context: CastContext, convert: Converter, binary = false): void {
  castTable.set(castKey(source, target), { context, method: binary ? 'binary' : 'function', convert });
}

function outOfRange(typeName: 'smallint' | 'integer' | 'bigint'): KmerSearchError {
  return new KmerSearchError(SqlState.numericValueOutOfRange, `${typeName} out of range`);
}

/** An integer (number or bigint) as int2, raising `smallint out of range`. */
export function toInt2(value: number | bigint): number {
  if (value < -32768 || value > 32767) throw outOfRange('smallint');
  return Number(value);
}

/** An integer (number or bigint) as int4, raising `integer out of range`. */
export function toInt4(value: number | bigint): number {
  if (value < -2147483648 || value > 2147483647) throw outOfRange('integer');
  return Number(value);
}

const INT8_MIN = -(1n << 63n);
const INT8_MAX = (1n << 63n) - 1n;

/** A bigint as int8, raising `bigint out of range`. */
export function toInt8(value: bigint): bigint {
  if (value < INT8_MIN || value > INT8_MAX) throw outOfRange('bigint');
  return value;
}

/** float → int2/int4/int8: rint (half to even), then the range check; NaN is out of range too. */
function floatToInteger(value: number, target: 'int2' | 'int4' | 'int8'): number | bigint {
  const rounded = roundHalfEven(value);
  if (target === 'int8') {
    // FLOAT8_FITS_IN_INT64: [−2^63, 2^63)
    if (Number.isNaN(rounded) || rounded < -(2 ** 63) || rounded >= 2 ** 63) throw outOfRange('bigint');
    return BigInt(rounded);
  }
  if (Number.isNaN(rounded)) throw outOfRange(target === 'int2' ? 'smallint' : 'integer');
  return target === 'int2' ? toInt2(rounded) : toInt4(rounded);
}

/** numeric → integer: half away from zero; NaN and infinities raise 0A000 `cannot convert … to …`. */
function numericToInteger(value: Numeric, target: 'int2' | 'int4' | 'int8'): number | bigint {
  const typeName = target === 'int2' ? 'smallint' : target === 'int4' ? 'integer' : 'bigint';
  if (value.isNaN()) {
    throw new KmerSearchError(SqlState.featureNotSupported, `cannot convert NaN to ${typeName}`);
  }
  const rounded = value.toBigIntRounded();
  if (rounded === undefined) {
    throw new KmerSearchError(SqlState.featureNotSupported, `cannot convert infinity to ${typeName}`);
  }
  return target === 'int2' ? toInt2(rounded) : target === 'int4' ? toInt4(rounded) : toInt8(rounded);
}

/** float8_numeric / float4_numeric: the value printed with `%.15g` / `%.6g` and read back as numeric. */
export function floatToNumeric(value: number, significantDigits: 15 | 6): Numeric {
  if (Number.isNaN(value)) return Numeric.NaN;
  if (value === Infinity) return Numeric.Infinity;
  if (value === -Infinity) return Numeric.NegativeInfinity;
  const { digits, exponent } = roundedDecimalOfDouble(value, significantDigits);
  return Numeric.of(digits, -exponent);
}

/** numeric_float8 / numeric_float4: numeric_out's text through float8in / float4in (so their 22003 texts). */
function numericToFloat(value: Numeric, target: 'float4' | 'float8'): number {
  if (value.isNaN()) return NaN;
  if (value.kind === 'infinity') return Infinity;
  if (value.kind === '-infinity') return -Infinity;
  const text = value.toString();
  return target === 'float8' ? parseFloat8(text) : parseFloat4(text);
}

function integerToOid(value: number | bigint): number {
  if (typeof value === 'bigint') {
    if (value < 0n || value > 4294967295n) {
      throw new KmerSearchError(SqlState.numericValueOutOfRange, 'OID out of range');
    }
    return Number(value);
  }
  // int4 → oid is binary: the bits are reinterpreted, so −1 becomes 4294967295.
  return value >>> 0;
}

const asNumber = (value: SqlValue): number => value as number;
const asBigInt = (value: SqlValue): bigint => value as bigint;
const asNumeric = (value: SqlValue): Numeric => value as Numeric;

// Integer family.
for (const source of ['int2', 'int4'] as const) {
  define(source, 'int8', 'implicit', (value) => BigInt(asNumber(value)));
  define(source, 'float4', 'implicit', (value) => Math.fround(asNumber(value)));
  define(source, 'float8', 'implicit', (value) => asNumber(value));
  define(source, 'numeric', 'implicit', (value) => Numeric.fromInteger(asNumber(value)));
  define(source, 'oid', 'implicit', (value) => integerToOid(asNumber(value)), source === 'int4');
  define(source, 'regclass', 'implicit', (value) => integerToOid(asNumber(value)), source === 'int4');
}
define('int2', 'int4', 'implicit', (value) => value);
define('int4', 'int2', 'assignment', (value) => toInt2(asNumber(value)));
define('int8', 'int2', 'assignment', (value) => toInt2(asBigInt(value)));
define('int8', 'int4', 'assignment', (value) => toInt4(asBigInt(value)));
define('int8', 'float4', 'implicit', (value) => bigintToFloat32(asBigInt(value)));
define('int8', 'float8', 'implicit', (value) => Number(asBigInt(value)));
define('int8', 'numeric', 'implicit', (value) => Numeric.fromInteger(asBigInt(value)));
define('int8', 'oid', 'implicit', (value) => integerToOid(asBigInt(value)));
define('int8', 'regclass', 'implicit', (value) => integerToOid(asBigInt(value)));

// Floats.
for (const source of ['float4', 'float8'] as const) {
  define(source, 'int2', 'assignment', (value) => floatToInteger(asNumber(value), 'int2'));
  define(source, 'int4', 'assignment', (value) => floatToInteger(asNumber(value), 'int4'));
  define(source, 'int8', 'assignment', (value) => floatToInteger(asNumber(value), 'int8'));
  define(source, 'numeric', 'assignment', (value) => floatToNumeric(asNumber(value), source === 'float4' ? 6 : 15));
}
define('float4', 'float8', 'implicit', (value) => value);
define('float8', 'float4', 'assignment', (value) => float8ToFloat4(asNumber(value)));

// Numeric.
for (const target of ['int2', 'int4', 'int8'] as const) {
  define('numeric', target, 'assignment', (value) => numericToInteger(asNumeric(value), target));
}
define('numeric', 'float4', 'implicit', (value) => numericToFloat(asNumeric(value), 'float4'));
define('numeric', 'float8', 'implicit', (value) => numericToFloat(asNumeric(value), 'float8'));

// Boolean: only int4 ↔ bool, and bool → text/varchar through text(bool), which spells the words out.
define('int4', 'bool', 'explicit', (value) => asNumber(value) !== 0);
define('bool', 'int4', 'explicit', (value) => (value === true ? 1 : 0));
define('bool', 'text', 'assignment', (value) => (value === true ? 'true' : 'false'));
define('bool', 'varchar', 'assignment', (value) => (value === true ? 'true' : 'false'));

// oid and regclass.
define('oid', 'regclass', 'implicit', (value) => value, true);
define('regclass', 'oid', 'implicit', (value) => value, true);
define('oid', 'int4', 'assignment', (value) => asNumber(value) | 0, true);
define('regclass', 'int4', 'assignment', (value) => asNumber(value) | 0, true);
define('oid', 'int8', 'assignment', (value) => BigInt(asNumber(value)));
define('regclass', 'int8', 'assignment', (value) => BigInt(asNumber(value)));

// Strings.
define('text', 'varchar', 'implicit', (value) => value, true);
define('varchar', 'text', 'implicit', (value) => value, true);
define('name', 'text', 'implicit', (value) => value);
define('text', 'name', 'implicit', (value) => truncateName(value as string));
define('varchar', 'name', 'implicit', (value) => truncateName(value as string));
define('name', 'varchar', 'assignment', (value) => value);
define('text', 'regclass', 'implicit', (value, options) => parseRegclass(value as string, options.relations));
define('varchar', 'regclass', 'implicit', (value, options) => parseRegclass(value as string, options.relations));

/**
 * The way a value of `source` becomes `target` in `context`, or undefined when PostgreSQL has none
 * (find_coercion_pathway). Modifiers do not matter here: a same-type cast is always possible.
 */
export function findCastPath(source: SqlType, target: SqlType, context: CastContext): CastPath | undefined {
  if (source.id === target.id) return { method: 'identity', context: 'implicit' };
  if (source.id === 'unknown') return { method: 'input', context: 'implicit' };
  const entry = castTable.get(castKey(source.id, target.id));
  if (entry !== undefined) {
    return contextRank[entry.context] <= contextRank[context] ? { method: entry.method, context: entry.context } : undefined;
  }
  // Automatic I/O conversion: to a string category type by assignment, from one explicitly.
  if (target.category === 'S' && target.id !== 'unknown' && contextRank[context] >= contextRank.assignment) {
    return { method: 'io', context: 'assignment' };
  }
  if (source.category === 'S' && context === 'explicit' && target.id !== 'unknown') {
    return { method: 'io', context: 'explicit' };
  }
  return undefined;
}

/** True when a cast from `source` to `target` exists in `context`. */
export function canCast(source: SqlType, target: SqlType, context: CastContext): boolean {
  return findCastPath(source, target, context) !== undefined;
}

/** 42846 `cannot cast type integer to boolean`-style error of an impossible cast. */
export function cannotCastError(source: SqlType, target: SqlType): KmerSearchError {
  return new KmerSearchError(SqlState.cannotCoerce, `cannot cast type ${source.formatName} to ${target.formatName}`);
}

export const REWRITE_OR_CAST_HINT = 'You will need to rewrite or cast the expression.';

/**
 * 42804 of an INSERT/UPDATE whose expression has no assignment cast to the column's type:
 * `column "s" is of type dna2 but expression is of type text`, HINT `You will need to rewrite or cast the
 * expression.`
 */
export function assignmentTypeMismatchError(
  columnName: string,
  columnType: SqlType,
  expressionType: SqlType,
): KmerSearchError {
  return new KmerSearchError(
    SqlState.datatypeMismatch,
    `column "${columnName}" is of type ${columnType.formatName} but expression is of type ${expressionType.formatName}`,
    { hint: REWRITE_OR_CAST_HINT },
  );
}

/**
 * Converts a value of `source` to `target` in `context`, applying `target`'s modifier. NULL stays NULL.
 * Throws cannotCastError when no path exists in that context (callers that know the column raise
 * assignmentTypeMismatchError first), and the conversion's own errors (range, input syntax).
 */
export function castValue(
  value: SqlValue,
  source: SqlType,
  target: SqlType,
  context: CastContext,
  options: ValueIoOptions = {},
): SqlValue {
  if (value === null) return null;
  const path = findCastPath(source, target, context);
  if (path === undefined) throw cannotCastError(source, target);
  let converted: SqlValue;
  switch (path.method) {
    case 'identity':
      converted = value;
      break;
    case 'input':
      converted = parseBaseValue(value as string, target, options);
      break;
    case 'io':
      converted = parseBaseValue(formatValue(value, source, options), target, options);
      break;
    default: {
      const entry = castTable.get(castKey(source.id, target.id));
      if (entry === undefined) throw cannotCastError(source, target);
      converted = entry.convert(value, options);
    }
  }
  return applyTypeModifier(converted, target, context);
}

/**
 * Assignment of an expression's value to a column (INSERT, UPDATE, COPY of typed values): the assignment
 * cast, or PostgreSQL's 42804 when there is none.
 */
export function coerceToColumn(
  value: SqlValue,
  expressionType: SqlType,
  columnName: string,
  columnType: SqlType,
  options: ValueIoOptions = {},
): SqlValue {
  if (!canCast(expressionType, columnType, 'assignment')) {
    throw assignmentTypeMismatchError(columnName, columnType, expressionType);
  }
  return castValue(value, expressionType, columnType, 'assignment', options);
}
