/**
 * Ordering, equality and grouping keys of non-null values (WHERE, ORDER BY, DISTINCT, GROUP BY, min/max,
 * UNIQUE). Each type's order is its default btree operator class in PostgreSQL:
 *
 * - integers, oid, regclass numerically; int2/int4/int8 values may be mixed (PostgreSQL has cross-type
 *   integer operators, so int8 is compared with int4 directly);
 * - float4/float8 numerically with −0 = 0, and NaN equal to NaN and greater than every number
 *   (float8_cmp_internal);
 * - numeric by value (1.0 = 1.00), −Infinity < numbers < Infinity < NaN;
 * - text, varchar, name and unknown by Unicode code point, i.e. as PostgreSQL under `COLLATE "C"` (the
 *   byte order of UTF-8). kmersearch has no locale collations, so against a PostgreSQL database whose
 *   default collation is not C, text ORDER BY / min / max / < differ (a deviation for docs/deviations.md);
 * - bool false < true; bytea bytewise, a prefix first; timestamptz by instant;
 * - dna2/dna4 by the reference's cmp (shorter bit length first, then bytes);
 * - composites field by field, a NULL field after any non-NULL (record_cmp).
 *
 * NULL is the caller's business (NULLS FIRST/LAST, three-valued logic). `groupingKey` gives a string that
 * two values share exactly when they compare equal, so DISTINCT and GROUP BY can use a Map.
 */
import { dnaCompare } from '../../dna/index.js';
import type { DnaValue } from '../../dna/index.js';
import { KmerSearchError, SqlState } from '../../errors.js';
import type { Numeric } from '../numeric.js';
import type { RecordValue, SqlType, SqlValue } from './descriptors.js';

export type Ordering = -1 | 0 | 1;

/** Code point order of two strings (UTF-16 order differs for characters above U+FFFF vs U+E000–U+FFFF). */
export function compareText(left: string, right: string): Ordering {
  if (left === right) return 0;
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    let leftCode = left.charCodeAt(index);
    let rightCode = right.charCodeAt(index);
    if (leftCode === rightCode) continue;
    // Surrogates (U+D800–U+DFFF) encode code points above U+FFFF: move them above U+E000–U+FFFF.
    if (leftCode >= 0xd800 && rightCode >= 0xd800) {
      leftCode = leftCode >= 0xe000 ? leftCode - 0x800 : leftCode + 0x2000;
      rightCode = rightCode >= 0xe000 ? rightCode - 0x800 : rightCode + 0x2000;
    }
    return leftCode < rightCode ? -1 : 1;
  }
  return left.length < right.length ? -1 : left.length > right.length ? 1 : 0;
}

export function compareBytes(left: Uint8Array, right: Uint8Array): Ordering {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const leftByte = left[index] ?? 0;
    const rightByte = right[index] ?? 0;
    if (leftByte !== rightByte) return leftByte < rightByte ? -1 : 1;
  }
  return left.length < right.length ? -1 : left.length > right.length ? 1 : 0;
}

/** float8_cmp_internal: NaN = NaN, NaN above everything, −0 = 0. */
export function compareFloat(left: number, right: number): Ordering {
  if (Number.isNaN(left)) return Number.isNaN(right) ? 0 : 1;
  if (Number.isNaN(right)) return -1;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Integers as numbers or bigints, mixed freely (JS compares number with bigint exactly). */
export function compareIntegers(left: number | bigint, right: number | bigint): Ordering {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** record_cmp: field by field with each field's order; NULL fields sort after non-NULL ones. */
export function compareRecords(left: RecordValue, right: RecordValue): Ordering {
  if (left.values.length !== right.values.length) {
    throw new KmerSearchError(
      SqlState.datatypeMismatch,
      'cannot compare record types with different numbers of columns',
    );
  }
  for (let index = 0; index < left.values.length; index++) {
    const leftValue = left.values[index] ?? null;
    const rightValue = right.values[index] ?? null;
    if (leftValue === null || rightValue === null) {
      if (leftValue === rightValue) continue;
      return leftValue === null ? 1 : -1;
    }
    const fieldType = left.fields[index]?.type;
    if (fieldType === undefined) throw new KmerSearchError(SqlState.internalError, 'record value without field type');
    const order = compareValues(leftValue, rightValue, fieldType);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * −1, 0 or 1 for two non-null values of `type` (or of its family: int2/int4/int8, float4/float8, the string
 * types). A total order: antisymmetric, transitive, and 0 exactly when groupingKey agrees.
 */
export function compareValues(left: SqlValue, right: SqlValue, type: SqlType): Ordering {
  switch (type.id) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
    case 'regclass':
      return compareIntegers(left as number | bigint, right as number | bigint);
    case 'float4':
    case 'float8':
      return compareFloat(left as number, right as number);
    case 'numeric':
      return (left as Numeric).compare(right as Numeric);
    case 'unknown':
    case 'text':
    case 'varchar':
    case 'name':
      return compareText(left as string, right as string);
    case 'bool':
      return left === right ? 0 : left === false ? -1 : 1;
    case 'bytea':
      return compareBytes(left as Uint8Array, right as Uint8Array);
    case 'timestamptz':
      return compareIntegers((left as Date).getTime(), (right as Date).getTime());
    case 'dna2':
    case 'dna4':
      return dnaCompare(left as DnaValue, right as DnaValue);
    case 'record':
      return compareRecords(left as RecordValue, right as RecordValue);
    case 'void':
      return 0;
  }
}

/** SQL `=` on two non-null values of `type` (NaN = NaN, 1.0 = 1.00, −0 = 0). */
export function valuesEqual(left: SqlValue, right: SqlValue, type: SqlType): boolean {
  return compareValues(left, right, type) === 0;
}

const HEX_BY_BYTE: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hexKey(bytes: Uint8Array, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += HEX_BY_BYTE[bytes[index] ?? 0];
  return text;
}

/** The key of NULL: groups NULLs together (as GROUP BY and DISTINCT do) and differs from every value's key. */
export const NULL_GROUPING_KEY = 'N';

/**
 * A string that two values of `type` share exactly when they are equal by compareValues. Integer types
 * share one key space (1::int4 and 1::int8 get the same key), as do the string types and float4/float8.
 */
export function groupingKey(value: SqlValue, type: SqlType): string {
  if (value === null) return NULL_GROUPING_KEY;
  switch (type.id) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
    case 'regclass':
      return `i${String(value)}`;
    case 'float4':
    case 'float8': {
      const number = value as number;
      // −0 and 0 are equal; String() already prints both as "0", NaN as "NaN".
      return `f${String(number)}`;
    }
    case 'numeric':
      return `n${(value as Numeric).normalizedKey()}`;
    case 'unknown':
    case 'text':
    case 'varchar':
    case 'name':
      return `s${value as string}`;
    case 'bool':
      return value === true ? 'bt' : 'bf';
    case 'bytea': {
      const bytes = value as Uint8Array;
      return `x${hexKey(bytes, bytes.length)}`;
    }
    case 'timestamptz':
      return `t${(value as Date).getTime()}`;
    case 'dna2':
    case 'dna4': {
      const dna = value as DnaValue;
      return `d${dna.bitLength}:${hexKey(dna.data, Math.ceil(dna.bitLength / 8))}`;
    }
    case 'record': {
      const record = value as RecordValue;
      return `r${JSON.stringify(
        record.values.map((fieldValue, index) => {
          const fieldType = record.fields[index]?.type;
          return fieldType === undefined ? NULL_GROUPING_KEY : groupingKey(fieldValue, fieldType);
        }),
      )}`;
    }
    case 'void':
      return 'v';
  }
}
