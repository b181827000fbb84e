import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type AggregateName,
  Numeric,
  type SqlType,
  type SqlValue,
  createAccumulator,
  formatValue,
  resolveAggregate,
  sqlTypes,
  varcharType,
} from '../../src/sql/types.js';
import { expectError } from './types-helpers.js';

const t = sqlTypes;

function aggregate(name: AggregateName, type: SqlType | undefined, values: readonly SqlValue[]): { type: string; text: string | null } {
  const signature = resolveAggregate(name, type);
  const accumulator = createAccumulator(signature);
  for (const value of values) accumulator.add(value);
  const result = accumulator.result();
  return { type: signature.resultType.formatName, text: result === null ? null : formatValue(result, signature.resultType) };
}

describe('aggregate signatures', () => {
  const cases: readonly (readonly [AggregateName, SqlType | undefined, string])[] = [
    ['count', undefined, 'bigint'],
    ['count', t.dna2, 'bigint'],
    ['sum', t.int2, 'bigint'],
    ['sum', t.int4, 'bigint'],
    ['sum', t.int8, 'numeric'],
    ['sum', t.float4, 'real'],
    ['sum', t.float8, 'double precision'],
    ['sum', t.numeric, 'numeric'],
    ['avg', t.int2, 'numeric'],
    ['avg', t.int4, 'numeric'],
    ['avg', t.int8, 'numeric'],
    ['avg', t.float4, 'double precision'],
    ['avg', t.float8, 'double precision'],
    ['avg', t.numeric, 'numeric'],
    ['min', t.int4, 'integer'],
    ['max', t.float4, 'real'],
    ['max', t.text, 'text'],
    ['max', varcharType(5), 'text'],
    ['min', t.name, 'text'],
    ['max', t.unknown, 'text'],
    ['min', t.timestamptz, 'timestamp with time zone'],
    ['max', t.numeric, 'numeric'],
  ];
  for (const [name, type, result] of cases) {
    it(`${name}(${type?.formatName ?? '*'}) → ${result}`, () => expect(resolveAggregate(name, type).resultType.formatName).toBe(result));
  }

  it('raises PostgreSQL errors for missing and ambiguous signatures', () => {
    const missing = expectError(() => resolveAggregate('sum', t.text), '42883', 'function sum(text) does not exist');
    expect(missing.hint).toBe('No function matches the given name and argument types. You might need to add explicit type casts.');
    expectError(() => resolveAggregate('max', t.dna2), '42883', 'function max(dna2) does not exist');
    expectError(() => resolveAggregate('min', t.bool), '42883', 'function min(boolean) does not exist');
    expectError(() => resolveAggregate('avg', t.bytea), '42883', 'function avg(bytea) does not exist');
    const ambiguous = expectError(() => resolveAggregate('sum', t.unknown), '42725', 'function sum(unknown) is not unique');
    expect(ambiguous.hint).toBe('Could not choose a best candidate function. You might need to add explicit type casts.');
  });
});

describe('accumulators', () => {
  it('count(*) counts rows, count(x) non-null values', () => {
    expect(aggregate('count', undefined, [null, 1, null])).toEqual({ type: 'bigint', text: '3' });
    expect(aggregate('count', t.int4, [null, 1, null])).toEqual({ type: 'bigint', text: '1' });
    expect(aggregate('count', t.int4, [])).toEqual({ type: 'bigint', text: '0' });
  });

  it('sum and avg of integers', () => {
    expect(aggregate('sum', t.int4, [1, 2, null, 2147483647])).toEqual({ type: 'bigint', text: '2147483650' });
    expect(aggregate('sum', t.int8, [2n ** 62n, 2n ** 62n, 2n ** 62n])).toEqual({ type: 'numeric', text: '13835058055282163712' });
    expect(aggregate('avg', t.int4, [1, 2])).toEqual({ type: 'numeric', text: '1.5000000000000000' });
    expect(aggregate('avg', t.int4, [1, 2, 2])).toEqual({ type: 'numeric', text: '1.6666666666666667' });
    expect(aggregate('avg', t.int8, [10n, 20n, 30n, 40n])).toEqual({ type: 'numeric', text: '25.0000000000000000' });
    expect(aggregate('sum', t.int2, [])).toEqual({ type: 'bigint', text: null });
    expect(aggregate('avg', t.int4, [null])).toEqual({ type: 'numeric', text: null });
  });

  it('sum and avg of floats', () => {
    const f = Math.fround;
    expect(aggregate('sum', t.float4, [f(0.1), f(0.2)])).toEqual({ type: 'real', text: '0.3' });
    expect(aggregate('sum', t.float8, [0.1, 0.2])).toEqual({ type: 'double precision', text: '0.30000000000000004' });
    expect(aggregate('avg', t.float8, [1, 2])).toEqual({ type: 'double precision', text: '1.5' });
    expect(aggregate('avg', t.float4, [f(0.1)])).toEqual({ type: 'double precision', text: '0.10000000149011612' });
    expect(aggregate('avg', t.float8, [1, NaN])).toEqual({ type: 'double precision', text: 'NaN' });
    expect(aggregate('sum', t.float8, [Infinity, 1])).toEqual({ type: 'double precision', text: 'Infinity' });
    expectError(() => aggregate('sum', t.float8, [1.7976931348623157e308, 1.7976931348623157e308]), '22003', 'value out of range: overflow');
    expectError(() => aggregate('sum', t.float4, [f(3e38), f(3e38)]), '22003', 'value out of range: overflow');
    // float8_accum's Sxx overflows before Sx does, and PostgreSQL reports it.
    expectError(() => aggregate('avg', t.float8, [1e200, -1e200]), '22003', 'value out of range: overflow');
  });

  it('sum and avg of numeric keep the largest scale', () => {
    const n = (text: string): Numeric => Numeric.parse(text);
    expect(aggregate('sum', t.numeric, [n('1.5'), n('2.25'), null])).toEqual({ type: 'numeric', text: '3.75' });
    expect(aggregate('avg', t.numeric, [n('1.5'), n('2.25')])).toEqual({ type: 'numeric', text: '1.8750000000000000' });
    expect(aggregate('sum', t.numeric, [n('Infinity'), n('-Infinity')])).toEqual({ type: 'numeric', text: 'NaN' });
    expect(aggregate('avg', t.numeric, [n('Infinity'), n('1')])).toEqual({ type: 'numeric', text: 'Infinity' });
  });

  it('min and max use the type order', () => {
    expect(aggregate('max', t.float8, [1, NaN, 2])).toEqual({ type: 'double precision', text: 'NaN' });
    expect(aggregate('min', t.text, ['b', 'B', null, 'a'])).toEqual({ type: 'text', text: 'B' });
    expect(aggregate('max', t.int8, [1n, -5n, 3n])).toEqual({ type: 'bigint', text: '3' });
    expect(aggregate('min', t.numeric, [Numeric.parse('1.50'), Numeric.parse('1.5')])).toEqual({ type: 'numeric', text: '1.50' });
    expect(aggregate('max', t.int4, [null, null])).toEqual({ type: 'integer', text: null });
  });

  it('avg(int4) is the exact mean rounded at its scale (within half a unit of the last digit)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2147483648, max: 2147483647 }), { minLength: 1, maxLength: 50 }), (values) => {
        const result = Numeric.parse(aggregate('avg', t.int4, values).text ?? '');
        const sum = values.reduce((total, value) => total + BigInt(value), 0n);
        const count = BigInt(values.length);
        // |result × count − sum| ≤ count × 10^-scale / 2, in integers scaled by 2 × 10^scale.
        const scaledResult = result.unscaled * count * 2n;
        const scaledSum = sum * 2n * 10n ** BigInt(result.scale);
        const error = scaledResult > scaledSum ? scaledResult - scaledSum : scaledSum - scaledResult;
        expect(error <= count).toBe(true);
        expect(result.scale).toBeGreaterThanOrEqual(16 - String(sum / count < 0n ? -(sum / count) : sum / count).length);
      }),
    );
  });
});
