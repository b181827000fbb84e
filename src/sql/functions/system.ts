/**
 * Session and time builtins (now, statement_timestamp, clock_timestamp, pg_sleep, version,
 * current_database) and generate_series over int4, int8 and numeric.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { Numeric } from '../numeric.js';
import { type SqlValue, sqlTypes } from '../types.js';
import type { FunctionContext, SqlFunction } from './contract.js';
import { scalar, setReturning } from './define.js';

const t = sqlTypes;

/**
 * version(): PostgreSQL's shape (`PostgreSQL <version> …`), so that clients parsing the leading version find
 * the dialect's level (PostgreSQL 15 behaviour), followed by what really answers. Kept in step with
 * package.json by hand: src/ does not read package.json, which is outside the compiled tree.
 */
export const KMERSEARCH_VERSION = '0.1.0';
export const VERSION_STRING = `PostgreSQL 15.0 (kmersearch ${KMERSEARCH_VERSION})`;
const DEFAULT_DATABASE_NAME = 'kmersearch';

/** The longest pause between two cancellation checks of pg_sleep. */
const SLEEP_SLICE_MILLISECONDS = 50;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * pg_sleep: blocks the thread (as the statement would block a backend) in slices of at most 50 ms, checking
 * for cancellation between slices. Atomics.wait on a cell nobody notifies is a real sleep, not a busy loop.
 * Zero, negative and NaN durations return at once.
 */
function sleep(seconds: number, context: FunctionContext): null {
  context.checkCancelled();
  if (!(seconds > 0)) return null;
  const end = performance.now() + seconds * 1000;
  for (;;) {
    const remaining = end - performance.now();
    if (remaining <= 0) break;
    Atomics.wait(sleepCell, 0, 0, Math.min(SLEEP_SLICE_MILLISECONDS, remaining));
    context.checkCancelled();
  }
  return null;
}

function invalidParameter(message: string): KmerSearchError {
  return new KmerSearchError(SqlState.invalidParameterValue, message);
}

/** How many rows a series emits between two cancellation checks. */
const ROWS_PER_CANCELLATION_CHECK = 65536;

/**
 * generate_series_step_int4/int8. Arguments are checked when the function is called, not when the first row
 * is read. JS numbers and bigints do not wrap, so stepping past int4/int8's range simply ends the series,
 * as PostgreSQL's overflow check does.
 */
function integerSeries(start: number, stop: number, step: number, context: FunctionContext): Iterable<SqlValue> {
  if (step === 0) throw invalidParameter('step size cannot equal zero');
  return (function* generate(): Iterable<SqlValue> {
    let emitted = 0;
    for (let value = start; step > 0 ? value <= stop : value >= stop; value += step) {
      if (++emitted % ROWS_PER_CANCELLATION_CHECK === 0) context.checkCancelled();
      yield value;
    }
  })();
}

function bigintSeries(start: bigint, stop: bigint, step: bigint, context: FunctionContext): Iterable<SqlValue> {
  if (step === 0n) throw invalidParameter('step size cannot equal zero');
  return (function* generate(): Iterable<SqlValue> {
    let emitted = 0;
    for (let value = start; step > 0n ? value <= stop : value >= stop; value += step) {
      if (++emitted % ROWS_PER_CANCELLATION_CHECK === 0) context.checkCancelled();
      yield value;
    }
  })();
}

function checkFinite(value: Numeric, what: 'start value' | 'stop value' | 'step size'): void {
  if (value.isNaN()) throw invalidParameter(`${what} cannot be NaN`);
  if (value.isInfinite()) throw invalidParameter(`${what} cannot be infinity`);
}

/** generate_series_step_numeric: values keep the larger of the start's and the step's scales after the first. */
function numericSeries(start: Numeric, stop: Numeric, step: Numeric, context: FunctionContext): Iterable<SqlValue> {
  checkFinite(start, 'start value');
  checkFinite(stop, 'stop value');
  checkFinite(step, 'step size');
  if (step.sign() === 0) throw invalidParameter('step size cannot equal zero');
  const ascending = step.sign() > 0;
  return (function* generate(): Iterable<SqlValue> {
    let emitted = 0;
    for (let value = start; ascending ? value.compare(stop) <= 0 : value.compare(stop) >= 0; value = value.add(step)) {
      if (++emitted % ROWS_PER_CANCELLATION_CHECK === 0) context.checkCancelled();
      yield value;
    }
  })();
}

const num = (value: SqlValue | undefined): number => value as number;
const big = (value: SqlValue | undefined): bigint => value as bigint;
const numeric = (value: SqlValue | undefined): Numeric => value as Numeric;
const NUMERIC_ONE = Numeric.of(1n);

export function systemFunctions(): SqlFunction[] {
  return [
    scalar('now', [], t.timestamptz, (_args, context) => context.transactionTimestamp, { volatility: 'stable' }),
    scalar('transaction_timestamp', [], t.timestamptz, (_args, context) => context.transactionTimestamp, {
      volatility: 'stable',
    }),
    scalar('statement_timestamp', [], t.timestamptz, (_args, context) => context.statementTimestamp, {
      volatility: 'stable',
    }),
    scalar('clock_timestamp', [], t.timestamptz, () => new Date(), { volatility: 'volatile' }),
    scalar('pg_sleep', [t.float8], t.void, ([seconds], context) => sleep(num(seconds), context), {
      volatility: 'volatile',
    }),
    scalar('version', [], t.text, () => VERSION_STRING, { volatility: 'stable' }),
    scalar('current_database', [], t.name, (_args, context) => context.databaseName ?? DEFAULT_DATABASE_NAME, {
      volatility: 'stable',
    }),
    setReturning('generate_series', [t.int4, t.int4], t.int4, ([start, stop], context) =>
      integerSeries(num(start), num(stop), 1, context)),
    setReturning('generate_series', [t.int4, t.int4, t.int4], t.int4, ([start, stop, step], context) =>
      integerSeries(num(start), num(stop), num(step), context)),
    setReturning('generate_series', [t.int8, t.int8], t.int8, ([start, stop], context) =>
      bigintSeries(big(start), big(stop), 1n, context)),
    setReturning('generate_series', [t.int8, t.int8, t.int8], t.int8, ([start, stop, step], context) =>
      bigintSeries(big(start), big(stop), big(step), context)),
    setReturning('generate_series', [t.numeric, t.numeric], t.numeric, ([start, stop], context) =>
      numericSeries(numeric(start), numeric(stop), NUMERIC_ONE, context)),
    setReturning('generate_series', [t.numeric, t.numeric, t.numeric], t.numeric, ([start, stop, step], context) =>
      numericSeries(numeric(start), numeric(stop), numeric(step), context)),
  ];
}
