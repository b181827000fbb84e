/**
 * Functions whose work is asynchronous and may write: `kmersearch_perform_highfreq_analysis` (worker threads,
 * minutes), `kmersearch_undo_highfreq_analysis`, `kmersearch_delete_tempfiles` and
 * `kmersearch_parallel_create_index` (index builds in worker threads). Expressions are evaluated
 * synchronously, row by row, so such a call cannot run where it stands. Instead the executor runs every call of
 * these functions whose arguments are constants (literals, parameters) once, before the statement produces rows
 * (executor/statement-actions.ts; SELECT and INSERT … SELECT), and the catalog entry's `evaluate`/`rows` returns that result. A call whose
 * arguments depend on a row (`SELECT kmersearch_undo_highfreq_analysis(name, 'seq') FROM t`) fails with 0A000.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { SqlValue } from '../types.js';
import type { FunctionContext } from './contract.js';

/** The functions run as statement actions (their implementations live in the executor). */
export const actionFunctionNames: ReadonlySet<string> = new Set([
  'kmersearch_perform_highfreq_analysis',
  'kmersearch_undo_highfreq_analysis',
  'kmersearch_delete_tempfiles',
  'kmersearch_parallel_create_index',
]);

/** The key of one call's result: the function and its argument values. */
export function actionCallKey(name: string, args: readonly SqlValue[]): string {
  return JSON.stringify([name, args.map((value) => (typeof value === 'bigint' ? `${value}n` : value))]);
}

/** The result the executor computed for this call before the rows were produced. */
export function actionResult(context: FunctionContext, name: string, args: readonly SqlValue[]): SqlValue | readonly SqlValue[] {
  const result = context.actionResults?.get(actionCallKey(name, args));
  if (result === undefined) {
    throw new KmerSearchError(SqlState.featureNotSupported, `${name} can only be called in SELECT or INSERT … SELECT, with constant arguments`, {
      hint: `Call it on its own, e.g. SELECT * FROM ${name}(…) with literal arguments.`,
    });
  }
  return result;
}
