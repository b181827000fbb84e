/**
 * The reference's high-frequency cache functions (analysis §4, SPEC §5, F5): load and free the handle's global and
 * parallel caches of an analysis. The caches and the rules behind these functions live in ../high-frequency.ts;
 * here they become SQL entries. All are volatile (they change handle state) and strict, as in the reference.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { StorageView } from '../../storage/index.js';
import type { HighFrequencyState } from '../high-frequency.js';
import type { Notice } from '../result.js';
import { type SqlType, type SqlValue, sqlTypes } from '../types.js';
import type { FunctionContext, SqlFunction } from './contract.js';
import { scalar } from './define.js';

const t = sqlTypes;

/** The handle's state and the statement's view: every cache function needs both. */
function stateOf(context: FunctionContext): { readonly state: HighFrequencyState; readonly view: StorageView } {
  const state = context.highFrequency;
  const view = context.view;
  if (state === undefined || view === undefined) {
    throw new KmerSearchError(SqlState.objectNotInPrerequisiteState, 'high-frequency k-mer caches need an open database');
  }
  return { state, view };
}

const volatile = { volatility: 'volatile' } as const;

/** A `(table_name text, column_name text)` cache function over the handle's state. */
function tableColumnFunction(
  name: string,
  resultType: SqlType,
  call: (state: HighFrequencyState, view: StorageView, table: string, column: string, notice: (notice: Notice) => void) => SqlValue,
): SqlFunction {
  return scalar(name, [t.text, t.text], resultType, ([table, column], context) => {
    const { state, view } = stateOf(context);
    return call(state, view, table as string, column as string, (notice) => context.notice(notice));
  }, volatile);
}

export function highFrequencyCacheFunctions(): SqlFunction[] {
  return [
    tableColumnFunction('kmersearch_highfreq_kmer_cache_load', t.bool, (state, view, table, column) =>
      state.loadGlobalCache(view, table, column)),
    tableColumnFunction('kmersearch_highfreq_kmer_cache_free', t.int4, (state, view, table, column, notice) =>
      state.freeGlobalCache(view, table, column, notice)),
    scalar('kmersearch_highfreq_kmer_cache_free_all', [], t.int4, (_args, context) => stateOf(context).state.freeAllGlobalCaches(), volatile),
    tableColumnFunction('kmersearch_parallel_highfreq_kmer_cache_load', t.bool, (state, view, table, column) =>
      state.loadParallelCache(view, table, column)),
    tableColumnFunction('kmersearch_parallel_highfreq_kmer_cache_free', t.int4, (state, view, table, column, notice) =>
      state.freeParallelCache(view, table, column, notice)),
    scalar('kmersearch_parallel_highfreq_kmer_cache_free_all', [], t.int4, (_args, context) =>
      stateOf(context).state.freeAllParallelCaches(), volatile),
  ];
}
