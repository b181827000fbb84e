/**
 * PostgreSQL 15's mathematical builtins with its overloads (so that resolution picks what PostgreSQL picks:
 * `round(5)` is round(double precision), `round(5.5)` round(numeric)), result types, scales and errors:
 * integer `abs` overflow (22003), `mod` by zero (22012, shared with the `%` operator), float `sqrt`/`power`
 * domain errors (2201F) and overflow/underflow (22003), numeric rounding half away from zero and float
 * rounding half to even (rint).
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { Numeric, powerOfTen } from '../numeric.js';
import { type SqlType, type SqlValue, binaryOperatorCandidates, sqlTypes, toInt2, toInt4, toInt8 } from '../types.js';
import type { SqlFunction } from './contract.js';
import { scalar } from './define.js';
import { numericPower, numericSquareRoot } from './numeric-math.js';

const t = sqlTypes;
const INVALID_ARGUMENT_FOR_POWER = '2201F';
/** NUMERIC_MAX_RESULT_SCALE: round/trunc clamp their scale argument to ±2000. */
const MAX_RESULT_SCALE = 2000;

const num = (value: SqlValue | undefined): number => value as number;
const numeric = (value: SqlValue | undefined): Numeric => value as Numeric;

function floatOverflow(): KmerSearchError {
  return new KmerSearchError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
}

function floatUnderflow(): KmerSearchError {
  return new KmerSearchError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
}

/** C rint(): half to even, keeping the sign of zero (`round(-0.4::float8)` prints -0). */
function rint(value: number): number {
  if (!Number.isFinite(value)) return value;
  const floor = Math.floor(value);
  const fraction = value - floor;
  const rounded = fraction < 0.5 ? floor : fraction > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  return rounded === 0 ? (value < 0 || Object.is(value, -0) ? -0 : 0) : rounded;
}

function clampScale(scale: number): number {
  return Math.min(Math.max(scale, -MAX_RESULT_SCALE), MAX_RESULT_SCALE);
}

/** numeric_round: half away from zero at `scale` (negative rounds left of the point); display scale ≥ 0. */
function roundNumeric(value: Numeric, scale: number): Numeric {
  return value.isFinite() ? value.withScale(clampScale(scale)) : value;
}

/** numeric_trunc: toward zero at `scale`; display scale ≥ 0. */
function truncateNumeric(value: Numeric, scale: number): Numeric {
  if (!value.isFinite()) return value;
  const target = clampScale(scale);
  if (target >= value.scale) return value.withScale(target);
  const truncated = value.unscaled / powerOfTen(value.scale - target);
  return Numeric.of(truncated, target);
}

/** numeric_ceil / numeric_floor: an integer (scale 0); NaN and infinities pass through. */
function ceilNumeric(value: Numeric, up: boolean): Numeric {
  if (!value.isFinite()) return value;
  const divisor = powerOfTen(value.scale);
  const truncated = value.unscaled / divisor;
  const exact = truncated * divisor === value.unscaled;
  if (exact) return Numeric.of(truncated);
  if (up) return Numeric.of(value.unscaled > 0n ? truncated + 1n : truncated);
  return Numeric.of(value.unscaled < 0n ? truncated - 1n : truncated);
}

/** dsqrt */
function floatSquareRoot(value: number): number {
  if (value < 0) {
    throw new KmerSearchError(INVALID_ARGUMENT_FOR_POWER, 'cannot take square root of a negative number');
  }
  return Math.sqrt(value);
}

/** dpow: POSIX pow(3) for NaN and infinities, PostgreSQL's domain and range errors. */
function floatPower(base: number, exponent: number): number {
  if (Number.isNaN(base)) return Number.isNaN(exponent) || exponent !== 0 ? NaN : 1;
  if (Number.isNaN(exponent)) return base !== 1 ? NaN : 1;
  if (base === 0 && exponent < 0) {
    throw new KmerSearchError(INVALID_ARGUMENT_FOR_POWER, 'zero raised to a negative power is undefined');
  }
  if (base < 0 && Math.floor(exponent) !== exponent) {
    throw new KmerSearchError(
      INVALID_ARGUMENT_FOR_POWER,
      'a negative number raised to a non-integer power yields a complex result',
    );
  }
  if (!Number.isFinite(exponent)) {
    const magnitude = Math.abs(base);
    if (magnitude === 1) return 1;
    if (exponent > 0) return magnitude > 1 ? exponent : 0;
    return magnitude > 1 ? 0 : -exponent;
  }
  if (!Number.isFinite(base)) {
    if (exponent === 0) return 1;
    if (base > 0) return exponent > 0 ? base : 0;
    const half = exponent / 2;
    const oddInteger = Math.floor(half) !== half;
    if (exponent > 0) return oddInteger ? base : -base;
    return oddInteger ? -0 : 0;
  }
  const result = base ** exponent;
  if (!Number.isFinite(result)) throw floatOverflow();
  if (result === 0 && base !== 0) throw floatUnderflow();
  return result;
}

/** mod(x, y) is the `%` operator's function (int2mod, int4mod, int8mod, numeric_mod). */
function modulo(type: SqlType): (left: SqlValue, right: SqlValue) => SqlValue {
  const operator = binaryOperatorCandidates('%').find(
    (candidate) => candidate.leftType.id === type.id && candidate.rightType.id === type.id,
  );
  if (operator === undefined) throw new Error(`no % operator for ${type.typeName}`);
  return operator.evaluate;
}

export function mathFunctions(): SqlFunction[] {
  const integerModulo = (['int2', 'int4', 'int8', 'numeric'] as const).map((id) => {
    const evaluate = modulo(t[id]);
    return scalar('mod', [t[id], t[id]], t[id], ([left, right]) => evaluate(left ?? null, right ?? null));
  });
  return [
    scalar('abs', [t.int2], t.int2, ([value]) => toInt2(Math.abs(num(value)))),
    scalar('abs', [t.int4], t.int4, ([value]) => toInt4(Math.abs(num(value)))),
    scalar('abs', [t.int8], t.int8, ([value]) => toInt8((value as bigint) < 0n ? -(value as bigint) : (value as bigint))),
    scalar('abs', [t.float4], t.float4, ([value]) => Math.abs(num(value))),
    scalar('abs', [t.float8], t.float8, ([value]) => Math.abs(num(value))),
    scalar('abs', [t.numeric], t.numeric, ([value]) => numeric(value).abs()),
    scalar('round', [t.float8], t.float8, ([value]) => rint(num(value))),
    scalar('round', [t.numeric], t.numeric, ([value]) => roundNumeric(numeric(value), 0)),
    scalar('round', [t.numeric, t.int4], t.numeric, ([value, scale]) => roundNumeric(numeric(value), num(scale))),
    scalar('trunc', [t.float8], t.float8, ([value]) => Math.trunc(num(value))),
    scalar('trunc', [t.numeric], t.numeric, ([value]) => truncateNumeric(numeric(value), 0)),
    scalar('trunc', [t.numeric, t.int4], t.numeric, ([value, scale]) => truncateNumeric(numeric(value), num(scale))),
    ...(['ceil', 'ceiling'] as const).flatMap((name) => [
      scalar(name, [t.float8], t.float8, ([value]) => Math.ceil(num(value))),
      scalar(name, [t.numeric], t.numeric, ([value]) => ceilNumeric(numeric(value), true)),
    ]),
    scalar('floor', [t.float8], t.float8, ([value]) => Math.floor(num(value))),
    scalar('floor', [t.numeric], t.numeric, ([value]) => ceilNumeric(numeric(value), false)),
    scalar('sqrt', [t.float8], t.float8, ([value]) => floatSquareRoot(num(value))),
    scalar('sqrt', [t.numeric], t.numeric, ([value]) => numericSquareRoot(numeric(value))),
    ...(['power', 'pow'] as const).flatMap((name) => [
      scalar(name, [t.float8, t.float8], t.float8, ([base, exponent]) => floatPower(num(base), num(exponent))),
      scalar(name, [t.numeric, t.numeric], t.numeric, ([base, exponent]) => numericPower(numeric(base), numeric(exponent))),
    ]),
    ...integerModulo,
    scalar('random', [], t.float8, () => Math.random(), { volatility: 'volatile' }),
  ];
}
