import { describe, expect, it } from 'vitest';
import { KmerSearchError } from '../../src/errors.js';
import { KMERSEARCH_VERSION, VERSION_STRING } from '../../src/sql/functions/index.js';
import { formatValue, sqlTypes } from '../../src/sql/types.js';
import { type BuiltinCase, builtinCases } from './functions-builtin-cases.js';
import { argumentFromText, call, catalog, createContext, float8, int4, text, unknownLiteral, value } from './functions-helpers.js';

function describeCase(testCase: BuiltinCase): string {
  return `${testCase.name}(${testCase.args.map(([type, argument]) => (argument === null ? `NULL::${type}` : `'${argument}'::${type}`)).join(', ')})`;
}

describe('builtins against PostgreSQL 15 outputs', () => {
  it.each(builtinCases.map((testCase) => [describeCase(testCase), testCase] as const))('%s', (_label, testCase) => {
    const context = createContext();
    const run = (): ReturnType<typeof call> => {
      const args = testCase.args.map(([type, argument]) => argumentFromText(type, argument));
      return call(context, testCase.name, ...args);
    };
    const expected = testCase.expected;
    if ('error' in expected) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(KmerSearchError);
      const error = caught as KmerSearchError;
      expect({ code: error.code, message: error.message, hint: error.hint }).toEqual({
        code: expected.error.code,
        message: expected.error.message,
        hint: expected.error.hint,
      });
      return;
    }
    const result = run();
    if ('rows' in expected) {
      expect(result.rows?.map((row) => formatValue(row, result.type))).toEqual(expected.rows);
      return;
    }
    if (testCase.isNull === true) expect(result.value).toBeNull();
    const printed = result.value === null ? '' : formatValue(result.value, result.type);
    expect(printed).toBe(expected.value);
    if (expected.type !== undefined) expect(result.type.formatName).toBe(expected.type);
  });
});

describe('builtins without a PostgreSQL oracle value', () => {
  it('now() and statement_timestamp() are the context timestamps; clock_timestamp() is the clock', () => {
    const context = createContext();
    expect(call(context, 'now')).toEqual({ value: context.transactionTimestamp, type: sqlTypes.timestamptz });
    expect(value(context, 'transaction_timestamp')).toBe(context.transactionTimestamp);
    expect(value(context, 'statement_timestamp')).toBe(context.statementTimestamp);
    const before = Date.now();
    const clock = value(context, 'clock_timestamp') as Date;
    expect(clock.getTime()).toBeGreaterThanOrEqual(before);
    expect(catalog.lookup('clock_timestamp')[0]?.volatility).toBe('volatile');
    expect(catalog.lookup('now')[0]?.volatility).toBe('stable');
  });

  it('random() is a volatile double precision in [0, 1)', () => {
    const context = createContext();
    const result = call(context, 'random');
    expect(result.type).toBe(sqlTypes.float8);
    expect(result.value).toBeGreaterThanOrEqual(0);
    expect(result.value).toBeLessThan(1);
    expect(catalog.lookup('random')[0]?.volatility).toBe('volatile');
  });

  it('version() and current_database()', () => {
    const context = createContext();
    expect(value(context, 'version')).toBe(`PostgreSQL 15.0 (kmersearch ${KMERSEARCH_VERSION})`);
    expect(VERSION_STRING).toMatch(/^PostgreSQL 15\.0 \(kmersearch \d+\.\d+\.\d+\)$/);
    expect(call(context, 'current_database')).toEqual({ value: 'kmersearch', type: sqlTypes.name });
    expect(value({ ...context, databaseName: 'genomes' }, 'current_database')).toBe('genomes');
  });

  it('pg_sleep sleeps, returns void, and checks for cancellation between slices of at most 50 ms', () => {
    const context = createContext();
    const started = performance.now();
    expect(call(context, 'pg_sleep', float8(0.12))).toEqual({ value: null, type: sqlTypes.void });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(115);
    expect(elapsed).toBeLessThan(2000);
    expect(context.cancellationChecks).toBeGreaterThanOrEqual(3);
    // Zero, negative and NaN durations return at once; an integer literal resolves to float8.
    for (const seconds of [int4(0), float8(-1), float8(Number.NaN)]) expect(value(context, 'pg_sleep', seconds)).toBeNull();
  });

  it('pg_sleep stops with the cancellation error', () => {
    const context = createContext();
    let slices = 0;
    const cancelling = {
      ...context,
      checkCancelled(): void {
        if (++slices === 3) context.cancelled = true;
        context.checkCancelled();
      },
    };
    const started = performance.now();
    expect(() => value(cancelling, 'pg_sleep', float8(Number.POSITIVE_INFINITY))).toThrow(
      'canceling statement due to user request',
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('generate_series checks for cancellation while it runs and validates its arguments when called', () => {
    const context = createContext();
    const [series, stepped] = catalog.lookup('generate_series');
    if (series?.returnsSet !== true || stepped?.returnsSet !== true) throw new Error('generate_series is not set-returning');
    expect(stepped.argumentTypes).toHaveLength(3);
    expect(() => stepped.rows([1, 10, 0], context)).toThrow('step size cannot equal zero');
    context.cancelled = true;
    const rows = series.rows([1, 1_000_000], context)[Symbol.iterator]();
    expect(() => {
      for (let next = rows.next(); next.done !== true; next = rows.next());
    }).toThrow('canceling statement due to user request');
  });

  it('concat prints every type with its output function and skips NULLs; concat_ws needs a separator', () => {
    const context = createContext();
    const dna = (bases: string): ReturnType<typeof argumentFromText> => argumentFromText('dna2', bases);
    expect(value(context, 'concat', unknownLiteral('seq:'), dna('acgu'), int4(null), [sqlTypes.regclass, 16400])).toBe('seq:ACGTsequences');
    expect(value(context, 'concat_ws', text('-'), dna('A'), unknownLiteral('b'))).toBe('A-b');
  });

  it('length of DNA and of text resolve to their own overloads', () => {
    const context = createContext();
    expect(value(context, 'length', argumentFromText('dna4', 'ACGTN'))).toBe(5);
    expect(value(context, 'length', unknownLiteral('ACGTN'))).toBe(5);
    expect(value(context, 'length', argumentFromText('varchar', 'héllo'))).toBe(5);
    expect(value(context, 'octet_length', argumentFromText('name', 'héllo'))).toBe(6);
  });
});
