/**
 * The reference's SQL functions (core §1.5–1.7, §3.3, §3.5, §5.3, §6; analysis §7.4) and the `=%` operators
 * they back. Matching follows SPEC §4 with deviations F1, F3 and F14 (the caches live in the Session):
 *
 *   Q = query keys through the query-k-mer cache (errors propagate)
 *   Q empty → false, and the stored sequence is not examined ('ATC'::dna2 =% 'NNNN' is false, no error)
 *   S = stored keys (F3: a sequence shorter than k has none)
 *   shared = |S ∩ Q|, ams through the actual-min-score cache, match = shared ≥ ams
 *
 * With high-frequency exclusion (`highFrequencyExclusionFor`: preclude_highfreq_kmer on and an analysis of the
 * stored side's table column under the current k and b), H = Q ∩ highfreq, shared = |S ∩ (Q \ H)| and
 * ams = max(1, base − |H|), the ams cached under the analysis's identity (F2, F5).
 */
import {
  type DnaValue,
  dnaBitLength,
  dnaCompare,
  dnaHash,
  dnaHashExtended,
  dnaNucleotideLength,
  dnaToBytea,
} from '../../dna/index.js';
import {
  countSharedOfStored,
  keyLayout,
  type KeyList,
  type KeyMembership,
  type SortedKeys,
  withoutKeys,
} from '../../kmer/index.js';
import type { SharedKeySet } from '../../parallel/index.js';
import type { CacheStatistics } from '../../settings/index.js';
import { type RecordValue, type SqlType, recordType, sqlTypes } from '../types.js';
import type { FunctionContext, FunctionOperator, SqlFunction } from './contract.js';
import { scalar, setReturning } from './define.js';

const t = sqlTypes;
type DnaTypeName = 'dna2' | 'dna4';
const DNA_TYPES: readonly DnaTypeName[] = ['dna2', 'dna4'];

// ---------------------------------------------------------------------------------------------------------
// Matching

/**
 * The high-frequency keys a `=%` evaluation leaves out (SPEC §4: H = Q ∩ highfreq, shared = |S ∩ (Q \ H)|,
 * ams = max(1, base − |H|)). `identity` names the analysis (table, column, k, b and its run) so that the
 * actual-min-score cache never reuses a threshold computed under another one (F2, F5).
 */
export interface HighFrequencyExclusion extends KeyMembership {
  readonly identity: string;
  /** The analysis whose keys are excluded (an index must have left out exactly these to answer, F7). */
  readonly analysisId: number;
}

/** The exclusion of a stored analysis, with its key set, which worker threads read without a copy (append.ts). */
export interface AnalysisExclusion extends HighFrequencyExclusion {
  readonly keys: SharedKeySet;
}

/** One exclusion object per key set, so that excludedQueryOf's memo is shared by every statement using it. */
const exclusions = new WeakMap<SharedKeySet, AnalysisExclusion>();

function exclusionOf(analysisId: number, keys: SharedKeySet): AnalysisExclusion {
  let exclusion = exclusions.get(keys);
  if (exclusion === undefined) {
    exclusion = Object.freeze({
      identity: `analysis ${analysisId}`,
      analysisId,
      keys,
      has: (list: KeyList, index: number) => keys.has(list, index),
    });
    exclusions.set(keys, exclusion);
  }
  return exclusion;
}

/**
 * The exclusion that applies to `=%` on (table, column) under the session's settings (SPEC §4, F5): the keys of
 * the analysis of (table, column, k, b) when `kmersearch.preclude_highfreq_kmer` is on and that analysis exists.
 * Preclude on without an analysis: nothing is excluded and the reference's WARNING goes out once per handle.
 * Shared by the row-by-row evaluation and the index scan, so both paths apply the same rule (F4).
 */
export function highFrequencyExclusionOn(
  context: FunctionContext,
  tableId: number,
  columnName: string,
): AnalysisExclusion | undefined {
  const state = context.highFrequency;
  const view = context.view;
  if (state === undefined || view === undefined) return undefined;
  const record = state.excludingAnalysis(view, tableId, columnName, (notice) => context.notice(notice));
  return record === undefined ? undefined : exclusionOf(record.analysisId, state.keysOf(view, record));
}

/**
 * The exclusion for a `=%` call: only when its stored-side argument is a column of a base table
 * (FunctionContext.argumentColumn); `=%` on any other expression (a literal, a cast, a subquery's column)
 * excludes nothing. Looked up once per call site and statement, not per row (the memo of argumentColumn, keyed by
 * the settings it depends on, since set_config may change them within a statement).
 */
export function highFrequencyExclusionFor(context: FunctionContext): HighFrequencyExclusion | undefined {
  const column = context.argumentColumn;
  if (column === undefined) return undefined;
  const settings = context.session.settings;
  if (!settings.precludeHighFrequencyKmers) return undefined;
  const memoKey = `exclusion ${settings.kmerSize} ${settings.occurrenceBits}`;
  if (column.memo.has(memoKey)) return column.memo.get(memoKey) as HighFrequencyExclusion | undefined;
  const exclusion = highFrequencyExclusionOn(context, column.tableId, column.columnName);
  column.memo.set(memoKey, exclusion);
  return exclusion;
}

export interface ExcludedQuery {
  readonly searchKeys: SortedKeys;
  readonly excludedKeyCount: number;
}

/**
 * Q \ H per (query, exclusion), so that a sequential scan does not filter the query again for every row. Keyed
 * weakly on both objects: a query or an analysis that is gone takes its entries with it.
 */
const excludedQueries = new WeakMap<SortedKeys, WeakMap<HighFrequencyExclusion, ExcludedQuery>>();

export function excludedQueryOf(queryKeys: SortedKeys, exclusion: HighFrequencyExclusion): ExcludedQuery {
  let byExclusion = excludedQueries.get(queryKeys);
  if (byExclusion === undefined) {
    byExclusion = new WeakMap();
    excludedQueries.set(queryKeys, byExclusion);
  }
  let excluded = byExclusion.get(exclusion);
  if (excluded === undefined) {
    const searchKeys = withoutKeys(queryKeys, exclusion);
    excluded = Object.freeze({ searchKeys, excludedKeyCount: queryKeys.count - searchKeys.count });
    byExclusion.set(exclusion, excluded);
  }
  return excluded;
}

/**
 * `stored =% queryText` (SPEC §4). Shared by `kmersearch_dna2_match` / `kmersearch_dna4_match` and by any
 * path that evaluates the operator row by row. The query side's hash set comes from src/kmer's `keySetOf`,
 * which memoises one KeySet per SortedKeys: the query-k-mer cache hands out the same SortedKeys for every
 * row, so a scan builds it once.
 */
export function dnaMatchesQuery(
  stored: DnaValue,
  queryText: string,
  context: FunctionContext,
  exclusion: HighFrequencyExclusion | undefined = highFrequencyExclusionFor(context),
): boolean {
  const session = context.session;
  const queryKeys = session.queryKeys(queryText);
  if (queryKeys.count === 0) return false;
  if (exclusion === undefined) {
    const shared = countSharedOfStored(stored, queryKeys, context.extractor);
    return shared >= session.actualMinScore(queryKeys);
  }
  const excluded = excludedQueryOf(queryKeys, exclusion);
  const shared = countSharedOfStored(stored, excluded.searchKeys, context.extractor);
  return (
    shared >=
    session.actualMinScore(queryKeys, { identity: exclusion.identity, excludedKeyCount: excluded.excludedKeyCount })
  );
}

/**
 * `kmersearch_matchscore(stored, queryText)` = |S ∩ Q| (core §3.5 with F3): no thresholds, no exclusion, no
 * actual-min-score lookup, one query-k-mer lookup.
 *
 * The reference extracts S before looking Q up. Under F3 the only error S can raise is the layout's
 * (2k + b > 64), so validating the layout first keeps the reference's order of errors and counters while the
 * extractor's reusable buffers are filled only after the query lookup (which may use the same extractor).
 */
export function dnaMatchscore(stored: DnaValue, queryText: string, context: FunctionContext): number {
  const session = context.session;
  keyLayout(session.settings.kmerSize, session.settings.occurrenceBits);
  const queryKeys = session.queryKeys(queryText);
  if (queryKeys.count === 0) return 0;
  return countSharedOfStored(stored, queryKeys, context.extractor);
}

// ---------------------------------------------------------------------------------------------------------
// Cache statistics

/** `(hits bigint, misses bigint, current_entries integer, max_entries integer)` (core §5.3). */
export const CACHE_STATISTICS_TYPE: SqlType = recordType([
  { name: 'hits', type: t.int8 },
  { name: 'misses', type: t.int8 },
  { name: 'current_entries', type: t.int4 },
  { name: 'max_entries', type: t.int4 },
]);

/** The columns of the view `kmersearch_cache_summary` (analysis §7.4). */
export const CACHE_SUMMARY_TYPE: SqlType = recordType([
  { name: 'cache_type', type: t.text },
  { name: 'total_entries', type: t.int4 },
  { name: 'total_hits', type: t.int8 },
  { name: 'total_misses', type: t.int8 },
  { name: 'hit_rate', type: t.float8 },
]);

function statisticsRecord(statistics: CacheStatistics): RecordValue {
  return Object.freeze({
    fields: CACHE_STATISTICS_TYPE.fields ?? [],
    values: Object.freeze([
      BigInt(statistics.hits),
      BigInt(statistics.misses),
      statistics.currentEntries,
      statistics.maxEntries,
    ]),
  });
}

function* cacheSummaryRows(context: FunctionContext): Iterable<RecordValue> {
  const fields = CACHE_SUMMARY_TYPE.fields ?? [];
  for (const row of context.session.cacheSummary()) {
    yield Object.freeze({
      fields,
      values: Object.freeze([
        row.cache_type,
        row.total_entries,
        BigInt(row.total_hits),
        BigInt(row.total_misses),
        row.hit_rate,
      ]),
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Entries

const asDna = (value: unknown): DnaValue => value as DnaValue;

function dnaFunctions(kind: DnaTypeName): SqlFunction[] {
  const dna = t[kind];
  return [
    // Session-dependent (settings and caches), so 'stable': a binder must never fold them at plan time, which
    // would also touch the caches during planning (F14).
    scalar(`kmersearch_${kind}_match`, [dna, t.text], t.bool, ([stored, query], context) =>
      dnaMatchesQuery(asDna(stored), query as string, context), { volatility: 'stable', readsArgumentColumn: true }),
    scalar('kmersearch_matchscore', [dna, t.text], t.int4, ([stored, query], context) =>
      dnaMatchscore(asDna(stored), query as string, context), { volatility: 'stable' }),
    scalar(`kmersearch_matchscore_${kind}`, [dna, t.text], t.int4, ([stored, query], context) =>
      dnaMatchscore(asDna(stored), query as string, context), { volatility: 'stable' }),
    scalar(`kmersearch_${kind}_to_bytea`, [dna], t.bytea, ([value]) => dnaToBytea(asDna(value))),
    scalar('bit_length', [dna], t.int4, ([value]) => dnaBitLength(asDna(value))),
    // The reference binds nuc_length, length and char_length to one C function.
    scalar('nuc_length', [dna], t.int4, ([value]) => dnaNucleotideLength(asDna(value))),
    scalar('length', [dna], t.int4, ([value]) => dnaNucleotideLength(asDna(value))),
    scalar('char_length', [dna], t.int4, ([value]) => dnaNucleotideLength(asDna(value))),
    scalar(`kmersearch_${kind}_hash`, [dna], t.int4, ([value]) => dnaHash(asDna(value))),
    scalar(`kmersearch_${kind}_hash_extended`, [dna, t.int8], t.int8, ([value, seed]) =>
      dnaHashExtended(asDna(value), seed as bigint)),
    scalar(`kmersearch_${kind}_cmp`, [dna, dna], t.int4, ([left, right]) => dnaCompare(asDna(left), asDna(right))),
  ];
}

export function kmersearchFunctions(): SqlFunction[] {
  return [
    ...DNA_TYPES.flatMap(dnaFunctions),
    // IMMUTABLE and not strict in the reference; it reads kmersearch.force_simd_capability, hence 'stable' here.
    scalar('kmersearch_simd_capability', [], t.text, (_args, context) => context.session.simdCapability(), {
      strict: false,
      volatility: 'stable',
    }),
    scalar('kmersearch_show_buildno', [], t.text, (_args, context) => context.session.showBuildNumber()),
    scalar('kmersearch_query_kmer_cache_stats', [], CACHE_STATISTICS_TYPE, (_args, context) =>
      statisticsRecord(context.session.queryKmerCacheStatistics()), { volatility: 'stable' }),
    scalar('kmersearch_actual_min_score_cache_stats', [], CACHE_STATISTICS_TYPE, (_args, context) =>
      statisticsRecord(context.session.actualMinScoreCacheStatistics()), { volatility: 'stable' }),
    scalar('kmersearch_query_kmer_cache_free', [], t.int4, (_args, context) => context.session.freeQueryKmerCache(), {
      volatility: 'volatile',
    }),
    scalar('kmersearch_actual_min_score_cache_free', [], t.int4, (_args, context) =>
      context.session.freeActualMinScoreCache(), { volatility: 'volatile' }),
    // The rows of the view kmersearch_cache_summary; reading them calls the statistics only (no side effects).
    setReturning('kmersearch_cache_summary_rows', [], CACHE_SUMMARY_TYPE, (_args, context) =>
      cacheSummaryRows(context), { volatility: 'stable' }),
  ];
}

/** `dna2 =% text` and `dna4 =% text`, as the reference's pg_operator entries. */
export function kmersearchOperators(): FunctionOperator[] {
  return DNA_TYPES.map((kind) =>
    Object.freeze({ name: '=%', leftType: t[kind], rightType: t.text, functionName: `kmersearch_${kind}_match` }),
  );
}
