/**
 * The aggregates of the dialect — count, sum, avg, min, max — with PostgreSQL's signatures and result
 * types (pg_aggregate): count → bigint; sum(int2/int4) → bigint, sum(int8) → numeric, sum(float4) → real,
 * sum(float8) → double precision, sum(numeric) → numeric; avg of any integer → numeric (sum / count with
 * numeric division scale: avg(1, 2) = 1.5000000000000000), avg(float4/float8) → double precision,
 * avg(numeric) → numeric; min/max keep their input type (varchar and name resolve to text, as in
 * PostgreSQL). Accumulators skip NULL inputs (the aggregates are strict); with no input count is 0 and the
 * others are NULL.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { Numeric } from '../numeric.js';
import { type SqlType, type SqlValue, sqlTypes } from './descriptors.js';
import { compareValues } from './compare.js';
import { checkFloatResult } from './float.js';
import { selectOverload } from './resolution.js';

export type AggregateName = 'count' | 'sum' | 'avg' | 'min' | 'max';

export interface AggregateSignature {
  readonly name: AggregateName;
  /** The type the argument is cast to (implicitly) before accumulation; undefined for count(*). */
  readonly argumentType: SqlType | undefined;
  readonly resultType: SqlType;
}

export interface Accumulator {
  /** Adds one row's argument value (count(*) counts every call). */
  add(value: SqlValue): void;
  /** The aggregate's value over the rows added so far. */
  result(): SqlValue;
}

interface AggregateCandidate {
  readonly argumentTypes: readonly [SqlType];
  readonly resultType: SqlType;
}

const t = sqlTypes;

const AGGREGATE_CANDIDATES: Readonly<Record<Exclude<AggregateName, 'count'>, readonly AggregateCandidate[]>> = {
  sum: [
    { argumentTypes: [t.int2], resultType: t.int8 },
    { argumentTypes: [t.int4], resultType: t.int8 },
    { argumentTypes: [t.int8], resultType: t.numeric },
    { argumentTypes: [t.float4], resultType: t.float4 },
    { argumentTypes: [t.float8], resultType: t.float8 },
    { argumentTypes: [t.numeric], resultType: t.numeric },
  ],
  avg: [
    { argumentTypes: [t.int2], resultType: t.numeric },
    { argumentTypes: [t.int4], resultType: t.numeric },
    { argumentTypes: [t.int8], resultType: t.numeric },
    { argumentTypes: [t.float4], resultType: t.float8 },
    { argumentTypes: [t.float8], resultType: t.float8 },
    { argumentTypes: [t.numeric], resultType: t.numeric },
  ],
  min: minMaxCandidates(),
  max: minMaxCandidates(),
};

function minMaxCandidates(): AggregateCandidate[] {
  return [t.int2, t.int4, t.int8, t.float4, t.float8, t.numeric, t.text, t.timestamptz, t.oid].map((type) => ({
    argumentTypes: [type] as const,
    resultType: type,
  }));
}

/**
 * The aggregate `name(argumentType)` (argumentType undefined for `count(*)`). Throws 42883
 * `function sum(text) does not exist` or 42725 `function sum(unknown) is not unique`, with PostgreSQL's hints.
 */
export function resolveAggregate(name: AggregateName, argumentType: SqlType | undefined): AggregateSignature {
  if (name === 'count') return { name, argumentType, resultType: t.int8 };
  const signature = `${name}(${argumentType?.formatName ?? '*'})`;
  if (argumentType === undefined) {
    throw new KmerSearchError(SqlState.undefinedFunction, `function ${signature} does not exist`, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  // sum and avg also exist for money and interval, so an untyped literal is ambiguous in PostgreSQL.
  const selection =
    argumentType.id === 'unknown' && (name === 'sum' || name === 'avg')
      ? ({ kind: 'ambiguous' } as const)
      : selectOverload(AGGREGATE_CANDIDATES[name], [argumentType]);
  if (selection.kind === 'found') {
    return { name, argumentType: selection.candidate.argumentTypes[0], resultType: selection.candidate.resultType };
  }
  if (selection.kind === 'none') {
    throw new KmerSearchError(SqlState.undefinedFunction, `function ${signature} does not exist`, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  throw new KmerSearchError('42725', `function ${signature} is not unique`, {
    hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
  });
}

/** A fresh accumulator for one group. */
export function createAccumulator(signature: AggregateSignature): Accumulator {
  const argumentType = signature.argumentType;
  switch (signature.name) {
    case 'count':
      return argumentType === undefined ? new CountRows() : new CountValues();
    case 'sum':
    case 'avg':
      if (argumentType === undefined) break;
      switch (argumentType.id) {
        case 'int2':
        case 'int4':
        case 'int8':
          return new IntegerSum(signature.name === 'avg', argumentType.id === 'int8');
        case 'float4':
        case 'float8':
          return signature.name === 'avg' ? new FloatAverage() : new FloatSum(argumentType.id === 'float4');
        case 'numeric':
          return new NumericSum(signature.name === 'avg');
        default:
          break;
      }
      break;
    case 'min':
    case 'max':
      if (argumentType === undefined) break;
      return new Extremum(argumentType, signature.name === 'max' ? 1 : -1);
  }
  throw new KmerSearchError(SqlState.internalError, `no accumulator for ${signature.name}(${argumentType?.formatName ?? '*'})`);
}

class CountRows implements Accumulator {
  private count = 0n;
  add(): void {
    this.count++;
  }
  result(): SqlValue {
    return this.count;
  }
}

class CountValues implements Accumulator {
  private count = 0n;
  add(value: SqlValue): void {
    if (value !== null) this.count++;
  }
  result(): SqlValue {
    return this.count;
  }
}

/**
 * sum/avg of integers, exact in a bigint. sum(int2/int4) is an int8 that PostgreSQL's int4_sum adds without
 * an overflow check (it wraps; reaching 2^63 takes billions of rows); sum(int8) is numeric.
 */
class IntegerSum implements Accumulator {
  private sum = 0n;
  private count = 0n;
  constructor(
    private readonly average: boolean,
    private readonly numericSum: boolean,
  ) {}
  add(value: SqlValue): void {
    if (value === null) return;
    this.sum += BigInt(value as number | bigint);
    if (!this.numericSum) this.sum = BigInt.asIntN(64, this.sum);
    this.count++;
  }
  result(): SqlValue {
    if (this.count === 0n) return null;
    if (this.average) return Numeric.fromInteger(this.sum).divide(Numeric.fromInteger(this.count));
    return this.numericSum ? Numeric.fromInteger(this.sum) : this.sum;
  }
}

/** sum(float4) / sum(float8): float4pl / float8pl, with their overflow check. */
class FloatSum implements Accumulator {
  private sum: number | undefined;
  constructor(private readonly single: boolean) {}
  add(value: SqlValue): void {
    if (value === null) return;
    const number = value as number;
    if (this.sum === undefined) {
      this.sum = number;
      return;
    }
    const previous = this.sum;
    const total = this.single ? Math.fround(previous + number) : previous + number;
    this.sum = checkFloatResult(total, !Number.isFinite(previous) || !Number.isFinite(number), false);
  }
  result(): SqlValue {
    return this.sum ?? null;
  }
}

/**
 * avg(float4/float8) through float8_accum's Youngs-Cramer transition (N, Sx, Sxx): the result is Sx / N,
 * and like PostgreSQL it raises `value out of range: overflow` when finite inputs make Sx or Sxx infinite.
 */
class FloatAverage implements Accumulator {
  private count = 0;
  private sum = 0;
  private sumOfSquares = 0;
  add(value: SqlValue): void {
    if (value === null) return;
    const number = value as number;
    const previousCount = this.count;
    const previousSum = this.sum;
    this.count += 1;
    this.sum += number;
    if (previousCount > 0) {
      const deviation = number * this.count - this.sum;
      this.sumOfSquares += (deviation * deviation) / (this.count * previousCount);
      if (!Number.isFinite(this.sum) || !Number.isFinite(this.sumOfSquares)) {
        if (Number.isFinite(previousSum) && Number.isFinite(number)) {
          throw new KmerSearchError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
        }
        this.sumOfSquares = NaN;
      }
    } else if (!Number.isFinite(number)) {
      this.sumOfSquares = NaN;
    }
  }
  result(): SqlValue {
    return this.count === 0 ? null : this.sum / this.count;
  }
}

/** sum/avg(numeric): exact; NaN and ±Infinity combine as numeric addition does. */
class NumericSum implements Accumulator {
  private sum = Numeric.Zero;
  private count = 0n;
  constructor(private readonly average: boolean) {}
  add(value: SqlValue): void {
    if (value === null) return;
    this.sum = this.sum.add(value as Numeric);
    this.count++;
  }
  result(): SqlValue {
    if (this.count === 0n) return null;
    return this.average ? this.sum.divide(Numeric.fromInteger(this.count)) : this.sum;
  }
}

/** min (direction −1) / max (direction 1) by the type's order; NaN is the largest float and numeric. */
class Extremum implements Accumulator {
  private best: SqlValue = null;
  constructor(
    private readonly type: SqlType,
    private readonly direction: 1 | -1,
  ) {}
  add(value: SqlValue): void {
    if (value === null) return;
    if (this.best === null || compareValues(value, this.best, this.type) * this.direction > 0) this.best = value;
  }
  result(): SqlValue {
    return this.best;
  }
}
