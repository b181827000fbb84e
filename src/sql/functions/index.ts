/**
 * src/sql/functions owns the function catalog of the dialect: every SQL-callable function as one entry of the
 * contract in contract.ts (name, argument types, result type, strictness, volatility, implementation), the
 * operators implemented by catalog functions (`dna2 =% text`, `dna4 =% text`), and the resolution of a call
 * to an entry with PostgreSQL's rules and error texts.
 *
 * - kmersearch.ts — the reference's functions: `=%` matching and matchscore over the session's caches, the
 *   DNA byte/length/hash/compare functions, SIMD and build number, cache statistics, free and summary rows;
 * - index-catalog.ts — the rows of the system views kmersearch_index_info and kmersearch_gin_index_meta;
 * - high-frequency-cache.ts — the global and parallel high-frequency cache load/free functions;
 * - analysis.ts, actions.ts — the high-frequency analysis functions (statement actions run by the executor) and
 *   the rows of kmersearch_highfreq_kmer, kmersearch_highfreq_kmer_meta and kmersearch_analysis_status;
 * - partition.ts — kmersearch_partition_table, kmersearch_unpartition_table, kmersearch_parallel_create_index
 *   (a statement action);
 * - text.ts, encoding.ts, math.ts (+ numeric-math.ts), system.ts — PostgreSQL 15 builtins;
 * - conditional.ts, common-type.ts — COALESCE, GREATEST, LEAST, NULLIF and select_common_type;
 * - resolution.ts — resolveFunctionCall (42883 / 42725);
 * - define.ts — entry constructors, pseudo-types and call binders.
 *
 * Aggregates are not here (types/aggregates.ts), nor operators on builtin types without session state
 * (types/operators.ts).
 */
import { analysisFunctions } from './analysis.js';
import { conditionalFunctions } from './conditional.js';
import type { FunctionCatalog, FunctionOperator, SqlFunction } from './contract.js';
import { FunctionRegistry } from './define.js';
import { encodingFunctions } from './encoding.js';
import { highFrequencyCacheFunctions } from './high-frequency-cache.js';
import { indexCatalogFunctions } from './index-catalog.js';
import { kmersearchFunctions, kmersearchOperators } from './kmersearch.js';
import { mathFunctions } from './math.js';
import { partitionFunctions } from './partition.js';
import { systemFunctions } from './system.js';
import { textFunctions } from './text.js';

export type {
  CallTyping,
  FunctionCatalog,
  FunctionContext,
  FunctionOperator,
  ScalarFunction,
  SetReturningFunction,
  SqlFunction,
  Volatility,
} from './contract.js';
export { type ResolvedFunctionCall, anyElementPseudoType, anyPseudoType } from './define.js';
export { resolveCommonType } from './common-type.js';
export { functionDoesNotExistError, functionNotUniqueError, resolveFunctionCall } from './resolution.js';
export {
  CACHE_STATISTICS_TYPE,
  CACHE_SUMMARY_TYPE,
  type HighFrequencyExclusion,
  dnaMatchesQuery,
  dnaMatchscore,
  highFrequencyExclusionFor,
} from './kmersearch.js';
export { KMERSEARCH_VERSION, VERSION_STRING } from './system.js';
export { actionCallKey, actionFunctionNames } from './actions.js';
export { ANALYSIS_RESULT_TYPE, DELETE_TEMPFILES_TYPE, DROP_RESULT_TYPE, recordOf } from './analysis.js';
export { PARALLEL_CREATE_INDEX_TYPE } from './partition.js';

class Catalog implements FunctionCatalog {
  private readonly registry = new FunctionRegistry();
  private readonly operatorsByName = new Map<string, FunctionOperator[]>();

  constructor(functions: readonly SqlFunction[], operators: readonly FunctionOperator[]) {
    this.registry.add(...functions);
    for (const operator of operators) {
      const list = this.operatorsByName.get(operator.name);
      if (list === undefined) this.operatorsByName.set(operator.name, [operator]);
      else list.push(operator);
    }
  }

  lookup(name: string): readonly SqlFunction[] {
    return this.registry.lookup(name);
  }

  operators(name: string): readonly FunctionOperator[] {
    return this.operatorsByName.get(name) ?? [];
  }
}

/** A catalog with every function of the dialect. Entries are frozen and stateless: one catalog may serve all handles. */
export function createFunctionCatalog(): FunctionCatalog {
  return new Catalog(
    [
      ...kmersearchFunctions(),
      ...indexCatalogFunctions(),
      ...highFrequencyCacheFunctions(),
      ...analysisFunctions(),
      ...partitionFunctions(),
      ...textFunctions(),
      ...encodingFunctions(),
      ...mathFunctions(),
      ...systemFunctions(),
      ...conditionalFunctions(),
    ],
    kmersearchOperators(),
  );
}
