/**
 * The reference's high-frequency cache functions (analysis §4, SPEC §5, F5): load and free the handle's global and
 * parallel caches of an analysis. The caches and the rules behind these functions live in ../high-frequency.ts;
 * here they become SQL entries. All are volatile (they change handle state) and strict, as in the reference.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type { StorageView } from '../../storage/index.js';
import type { HighFrequencyState } from '../high-frequency.js';
import { sqlTypes } from '../types.js';
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

export function highFrequencyCacheFunctions(): SqlFunction[] {
  const volatile = { volatility: 'volatile' } as const;
  return [
    scalar('kmersearch_highfreq_kmer_cache_load', [t.text, t.text], t.bool, ([table, column], context) => {
      const { state, view } = stateOf(context);
      return state.loadGlobalCache(view, table as string, column as string);
    }, volatile),
    scalar('kmersearch_highfreq_kmer_cache_free', [t.text, t.text], t.int4, ([table, column], context) => {
      const { state, view } = stateOf(context);
      return state.freeGlobalCache(view, table as string, column as string, (notice) => context.notice(notice));
    }, volatile),
    scalar('kmersearch_highfreq_kmer_cache_free_all', [], t.int4, (_args, context) => stateOf(context).state.freeAllGlobalCaches(), volatile),
    scalar('kmersearch_parallel_highfreq_kmer_cache_load', [t.text, t.text], t.bool, ([table, column], context) => {
      const { state, view } = stateOf(context);
      return state.loadParallelCache(view, table as string, column as string);
    }, volatile),
    scalar('kmersearch_parallel_highfreq_kmer_cache_free', [t.text, t.text], t.int4, ([table, column], context) => {
      const { state, view } = stateOf(context);
      return state.freeParallelCache(view, table as string, column as string, (notice) => context.notice(notice));
    }, volatile),
    scalar('kmersearch_parallel_highfreq_kmer_cache_free_all', [], t.int4, (_args, context) =>
      stateOf(context).state.freeAllParallelCaches(), volatile),
  ];
}
