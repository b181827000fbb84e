/**
 * The high-frequency analysis in SQL (reference analysis §2, §3, §8.1, §8.2, §8.8; SPEC §6, F5, F6, F12, F13):
 *
 * - `kmersearch_perform_highfreq_analysis(table, column)` → kmersearch_analysis_result,
 *   `kmersearch_undo_highfreq_analysis(table, column)` → kmersearch_drop_result and
 *   `kmersearch_delete_tempfiles()` → (deleted_count, deleted_size, error_count): statement actions
 *   (functions/actions.ts); the work is in executor/analysis.ts, these entries hand back its result;
 * - the rows of the reference's tables `kmersearch_highfreq_kmer` and `kmersearch_highfreq_kmer_meta` and of the
 *   view `kmersearch_analysis_status`, computed from the stored analyses (src/analysis records.ts). Read-only
 *   system views (system-views.ts): a re-run replaces an analysis and undo removes it, in the same transaction.
 */
import { type AnalysisRecord, listAnalyses, readAnalysisKeys } from '../../analysis/index.js';
import type { StorageView } from '../../storage/index.js';
import { type RecordValue, type SqlType, type SqlValue, recordType, sqlTypes } from '../types.js';
import { actionResult } from './actions.js';
import type { FunctionContext, SqlFunction } from './contract.js';
import { scalar, setReturning } from './define.js';

const t = sqlTypes;

/** analysis §2 / §8.9. */
export const ANALYSIS_RESULT_TYPE: SqlType = recordType(
  [
    { name: 'total_rows', type: t.int8 },
    { name: 'highfreq_kmers_count', type: t.int4 },
    { name: 'parallel_workers_used', type: t.int4 },
    { name: 'max_appearance_rate_used', type: t.float4 },
    { name: 'max_appearance_nrow_used', type: t.int4 },
  ],
  'kmersearch_analysis_result',
);

/** analysis §3 / §8.9. */
export const DROP_RESULT_TYPE: SqlType = recordType(
  [
    { name: 'dropped_analyses', type: t.int4 },
    { name: 'dropped_highfreq_kmers', type: t.int4 },
    { name: 'freed_storage_bytes', type: t.int8 },
  ],
  'kmersearch_drop_result',
);

/** analysis §2.10: RETURNS TABLE(deleted_count integer, deleted_size bigint, error_count integer). */
export const DELETE_TEMPFILES_TYPE: SqlType = recordType([
  { name: 'deleted_count', type: t.int4 },
  { name: 'deleted_size', type: t.int8 },
  { name: 'error_count', type: t.int4 },
]);

/** analysis §8.1. */
export const HIGHFREQ_KMER_TYPE: SqlType = recordType([
  { name: 'table_oid', type: t.oid },
  { name: 'column_name', type: t.name },
  { name: 'kmer_size', type: t.int4 },
  { name: 'occur_bitlen', type: t.int4 },
  { name: 'uintkey', type: t.int8 },
  { name: 'appearance_nrow', type: t.int8 },
  { name: 'detection_reason', type: t.text },
  { name: 'created_at', type: t.timestamptz },
]);

/** analysis §8.2. */
export const HIGHFREQ_KMER_META_TYPE: SqlType = recordType([
  { name: 'table_oid', type: t.oid },
  { name: 'column_name', type: t.name },
  { name: 'kmer_size', type: t.int4 },
  { name: 'occur_bitlen', type: t.int4 },
  { name: 'max_appearance_rate', type: t.float4 },
  { name: 'max_appearance_nrow', type: t.int4 },
  { name: 'analysis_timestamp', type: t.timestamptz },
]);

/** analysis §8.8. */
export const ANALYSIS_STATUS_TYPE: SqlType = recordType([
  { name: 'table_oid', type: t.oid },
  { name: 'table_name', type: t.name },
  { name: 'column_name', type: t.name },
  { name: 'kmer_size', type: t.int4 },
  { name: 'occur_bitlen', type: t.int4 },
  { name: 'max_appearance_rate', type: t.float4 },
  { name: 'max_appearance_nrow', type: t.int4 },
  { name: 'analysis_timestamp', type: t.timestamptz },
  { name: 'highfreq_kmer_count', type: t.int8 },
]);

/** A frozen value of the record type `type`. */
export function recordOf(type: SqlType, values: readonly SqlValue[]): RecordValue {
  return Object.freeze({ fields: type.fields ?? [], values: Object.freeze([...values]) });
}

const TWO_POW_32 = 4294967296;

/** The key as the reference stores it: a bigint, keys of 64 bits with the top bit set as negative numbers. */
function signedKey(high: number, low: number): bigint {
  return BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low));
}

function* highFrequencyKmerRows(view: StorageView | undefined): Iterable<RecordValue> {
  if (view === undefined) return;
  for (const analysis of listAnalyses(view)) {
    const { keys, appearanceNrows } = readAnalysisKeys(view, analysis);
    for (let index = 0; index < keys.count; index++) {
      const uintkey = keys.wide ? signedKey(keys.high[index]!, keys.low[index]!) : BigInt(keys.values[index]!);
      yield recordOf(HIGHFREQ_KMER_TYPE, [
        analysis.tableId,
        analysis.columnName,
        analysis.kmerSize,
        analysis.occurrenceBits,
        uintkey,
        BigInt(appearanceNrows[index]!),
        'threshold',
        analysis.analysisTimestamp,
      ]);
    }
  }
}

function metaRow(analysis: AnalysisRecord): RecordValue {
  return recordOf(HIGHFREQ_KMER_META_TYPE, [
    analysis.tableId,
    analysis.columnName,
    analysis.kmerSize,
    analysis.occurrenceBits,
    analysis.maxAppearanceRate,
    analysis.maxAppearanceNrow,
    analysis.analysisTimestamp,
  ]);
}

/**
 * The distinct keys of every analysis of (table, column), whatever k and b: the reference's view joins the keys on
 * table and column only (§8.8), so each meta row of a table/column shows the same count.
 */
function distinctKeyCounts(view: StorageView, analyses: readonly AnalysisRecord[]): Map<string, number> {
  const keysByColumn = new Map<string, Set<number | string>>();
  for (const analysis of analyses) {
    const scope = JSON.stringify([analysis.tableId, analysis.columnName]);
    let seen = keysByColumn.get(scope);
    if (seen === undefined) {
      seen = new Set();
      keysByColumn.set(scope, seen);
    }
    const { keys } = readAnalysisKeys(view, analysis);
    for (let index = 0; index < keys.count; index++) {
      if (!keys.wide) seen.add(keys.values[index]!);
      else {
        // The same uintkey must be one element whether it came from a narrow or a wide layout.
        const high = keys.high[index]!;
        const low = keys.low[index]!;
        seen.add(high < 0x200000 ? high * TWO_POW_32 + low : `${high}:${low}`);
      }
    }
  }
  return new Map([...keysByColumn].map(([scope, seen]) => [scope, seen.size]));
}

function* analysisStatusRows(view: StorageView | undefined): Iterable<RecordValue> {
  if (view === undefined) return;
  const analyses = listAnalyses(view);
  const counts = distinctKeyCounts(view, analyses);
  for (const analysis of analyses) {
    yield recordOf(ANALYSIS_STATUS_TYPE, [
      analysis.tableId,
      view.getTable(analysis.tableId)?.name ?? null,
      analysis.columnName,
      analysis.kmerSize,
      analysis.occurrenceBits,
      analysis.maxAppearanceRate,
      analysis.maxAppearanceNrow,
      analysis.analysisTimestamp,
      BigInt(counts.get(JSON.stringify([analysis.tableId, analysis.columnName])) ?? 0),
    ]);
  }
}

function scalarAction(name: string): (args: readonly SqlValue[], context: FunctionContext) => SqlValue {
  return (args, context) => actionResult(context, name, args) as SqlValue;
}

export function analysisFunctions(): SqlFunction[] {
  return [
    scalar(
      'kmersearch_perform_highfreq_analysis',
      [t.text, t.text],
      ANALYSIS_RESULT_TYPE,
      scalarAction('kmersearch_perform_highfreq_analysis'),
      { volatility: 'volatile' },
    ),
    scalar('kmersearch_undo_highfreq_analysis', [t.text, t.text], DROP_RESULT_TYPE, scalarAction('kmersearch_undo_highfreq_analysis'), {
      volatility: 'volatile',
    }),
    setReturning(
      'kmersearch_delete_tempfiles',
      [],
      DELETE_TEMPFILES_TYPE,
      (args, context) => actionResult(context, 'kmersearch_delete_tempfiles', args) as readonly SqlValue[],
      { volatility: 'volatile' },
    ),
    setReturning('kmersearch_highfreq_kmer_rows', [], HIGHFREQ_KMER_TYPE, (_args, context) => highFrequencyKmerRows(context.view), {
      volatility: 'stable',
    }),
    setReturning(
      'kmersearch_highfreq_kmer_meta_rows',
      [],
      HIGHFREQ_KMER_META_TYPE,
      (_args, context) => (context.view === undefined ? [] : listAnalyses(context.view).map(metaRow)),
      { volatility: 'stable' },
    ),
    setReturning('kmersearch_analysis_status_rows', [], ANALYSIS_STATUS_TYPE, (_args, context) => analysisStatusRows(context.view), {
      volatility: 'stable',
    }),
  ];
}
