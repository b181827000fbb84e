/**
 * Types of constants as PostgreSQL's scanner and make_const give them: an integer literal is int4 when it
 * fits, else int8 when it fits, else numeric; a literal with a point or an exponent is numeric (`1e5` is
 * numeric 100000, `1.50` keeps its scale); a string literal is `unknown` until context decides.
 */
import { Numeric } from '../numeric.js';
import { type SqlType, type SqlValue, sqlTypes } from './descriptors.js';

export interface TypedConstant {
  readonly type: SqlType;
  readonly value: SqlValue;
}

const INT4_MIN = -2147483648n;
const INT4_MAX = 2147483647n;
const INT8_MIN = -(1n << 63n);
const INT8_MAX = (1n << 63n) - 1n;

/**
 * A numeric literal's type and value. `text` is the literal as written, possibly with the minus sign the
 * parser folds into it (doNegate): `-2147483648` is int4, `2147483648` int8, `9223372036854775808` numeric.
 */
export function typeNumberLiteral(text: string): TypedConstant {
  if (/^-?\d+$/.test(text)) {
    const value = BigInt(text);
    if (value >= INT4_MIN && value <= INT4_MAX) return { type: sqlTypes.int4, value: Number(value) };
    if (value >= INT8_MIN && value <= INT8_MAX) return { type: sqlTypes.int8, value };
  }
  return { type: sqlTypes.numeric, value: Numeric.parse(text) };
}

/** A string literal: type unknown, its text as the value. */
export function typeStringLiteral(text: string): TypedConstant {
  return { type: sqlTypes.unknown, value: text };
}
