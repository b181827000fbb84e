/**
 * Length coercion: applying a type modifier to a value of the same base type (PostgreSQL's
 * coerce_type_typmod, which calls varchar(), numeric() or timestamptz() with the modifier and an
 * "is explicit" flag). The flag matters for varchar: an explicit cast truncates, an assignment or input
 * only drops excess spaces and otherwise raises 22001.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { Numeric } from '../numeric.js';
import type { SqlType, SqlValue } from './descriptors.js';
import { roundTimestamptz } from './timestamp.js';

export type CastContext = 'implicit' | 'assignment' | 'explicit';

/** Number of characters as PostgreSQL counts them in UTF-8: code points. */
export function characterLength(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // A high surrogate followed by a low one is one code point.
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    count++;
  }
  return count;
}

/** The first `count` code points of `text`. */
export function firstCharacters(text: string, count: number): string {
  let index = 0;
  for (let taken = 0; taken < count && index < text.length; taken++) {
    const code = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    index += code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, index);
}

/** varchar(text, typmod, isExplicit) of varchar.c. */
export function coerceVarcharLength(text: string, maxLength: number, explicit: boolean): string {
  if (text.length <= maxLength) return text; // fewer UTF-16 units than the limit: surely fewer characters
  if (characterLength(text) <= maxLength) return text;
  const kept = firstCharacters(text, maxLength);
  if (!explicit && /[^ ]/.test(text.slice(kept.length))) {
    throw new KmerSearchError(
      SqlState.stringDataRightTruncation,
      `value too long for type character varying(${maxLength})`,
    );
  }
  return kept;
}

/**
 * Applies `type`'s modifier to a non-null value already of its base type. Types without a modifier pass
 * values through unchanged.
 */
export function applyTypeModifier(value: SqlValue, type: SqlType, context: CastContext): SqlValue {
  const modifier = type.modifier;
  if (modifier === undefined || value === null) return value;
  switch (modifier.kind) {
    case 'length':
      return coerceVarcharLength(value as string, modifier.length, context === 'explicit');
    case 'numeric':
      return (value as Numeric).applyTypeModifier(modifier.precision, modifier.scale);
    case 'precision':
      return roundTimestamptz(value as Date, modifier.precision);
  }
}
