/**
 * `$n` parameter values from JavaScript, typed the way PGlite and node-postgres send them: a string is an
 * untyped literal that the context resolves (so `'ACGT'` becomes dna2 next to a dna2 column), a number is
 * int4, int8 or float8, a bigint int8, a boolean bool, a Uint8Array bytea, a Date timestamptz, null and
 * undefined an untyped NULL. A value is only ever converted by a type's input function: it is never SQL text.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { type TypedConstant, sqlTypes, toInt8 } from '../types.js';

const int4Minimum = -2147483648;
const int4Maximum = 2147483647;

function typeParameter(value: unknown, number: number): TypedConstant {
  if (value === null || value === undefined) return { type: sqlTypes.unknown, value: null };
  if (typeof value === 'string') return { type: sqlTypes.unknown, value };
  if (typeof value === 'boolean') return { type: sqlTypes.bool, value };
  if (typeof value === 'bigint') return { type: sqlTypes.int8, value: toInt8(value) };
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= int4Minimum && value <= int4Maximum) return { type: sqlTypes.int4, value };
    if (Number.isSafeInteger(value)) return { type: sqlTypes.int8, value: BigInt(value) };
    return { type: sqlTypes.float8, value };
  }
  if (value instanceof Uint8Array) return { type: sqlTypes.bytea, value: new Uint8Array(value) };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new KmerSearchError(SqlState.invalidDatetimeFormat, `invalid Date for parameter $${number}`);
    }
    return { type: sqlTypes.timestamptz, value: new Date(value.getTime()) };
  }
  throw new KmerSearchError(
    SqlState.invalidParameterValue,
    `parameter $${number} has an unsupported JavaScript type (${Array.isArray(value) ? 'array' : typeof value})`,
  );
}

export function typeParameters(values: readonly unknown[] | undefined): readonly TypedConstant[] {
  if (values !== undefined && values !== null && !Array.isArray(values)) {
    throw new KmerSearchError(SqlState.invalidParameterValue, `the parameters must be an array, not ${typeof values}`);
  }
  return Object.freeze((values ?? []).map((value, index) => typeParameter(value, index + 1)));
}
