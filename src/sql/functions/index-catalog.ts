/**
 * The rows of the reference's index metadata tables (analysis §8.3–§8.6), computed from the storage catalog:
 *
 * - `kmersearch_index_info`: one row per kmersearch GIN index (but the partitions' indexes a CREATE INDEX on a
 *   partitioned table created), as the reference's CREATE INDEX event trigger
 *   writes it — the index's and table's ids (regclass resolves them to names), the indexed column, the settings
 *   recorded when the index was built (k, b, max_appearance_rate as real, max_appearance_nrow,
 *   preclude_highfreq_kmer; REINDEX records the current ones, deviation F7), total_nrow = 0,
 *   highfreq_kmer_count = 0 and created_at = the creating transaction's now().
 * - `kmersearch_gin_index_meta`: nothing in the reference ever inserts into it, so it has no rows.
 *
 * Views rather than stored tables: the rows come from the index records, so they appear and disappear with
 * CREATE INDEX, DROP INDEX, DROP TABLE and DROP EXTENSION in the same transaction, and cannot disagree with the
 * indexes. They are read-only (the reference's tables accept writes; see docs/deviations.md).
 */
import { createdIndexIds } from '../../partition/index.js';
import type { IndexRecord } from '../../storage/index.js';
import { isKmersearchIndex, recordedSettingsOf } from '../kmersearch-index.js';
import { type RecordValue, type SqlType, recordType, sqlTypes } from '../types.js';
import type { FunctionContext, SqlFunction } from './contract.js';
import { setReturning } from './define.js';

const t = sqlTypes;

/** The columns of kmersearch_index_info (analysis §8.4). */
export const INDEX_INFO_TYPE: SqlType = recordType([
  { name: 'index_oid', type: t.oid },
  { name: 'table_oid', type: t.oid },
  { name: 'column_name', type: t.name },
  { name: 'kmer_size', type: t.int4 },
  { name: 'occur_bitlen', type: t.int4 },
  { name: 'total_nrow', type: t.int8 },
  { name: 'highfreq_kmer_count', type: t.int4 },
  { name: 'max_appearance_rate', type: t.float4 },
  { name: 'max_appearance_nrow', type: t.int4 },
  { name: 'preclude_highfreq_kmer', type: t.bool },
  { name: 'created_at', type: t.timestamptz },
]);

/** The columns of kmersearch_gin_index_meta (analysis §8.3). */
export const GIN_INDEX_META_TYPE: SqlType = recordType([
  { name: 'index_oid', type: t.oid },
  { name: 'table_oid', type: t.oid },
  { name: 'column_name', type: t.name },
  { name: 'highfreq_filtered', type: t.bool },
  { name: 'highfreq_source_table', type: t.name },
  { name: 'kmer_size', type: t.int4 },
  { name: 'occur_bitlen', type: t.int4 },
  { name: 'max_appearance_rate', type: t.float4 },
  { name: 'max_appearance_nrow', type: t.int4 },
  { name: 'created_at', type: t.timestamptz },
]);

function indexInfoRow(context: FunctionContext, index: IndexRecord): RecordValue {
  const recorded = recordedSettingsOf(index);
  const column = context.view?.getTable(index.tableId)?.columns[index.columnIndex];
  return Object.freeze({
    fields: INDEX_INFO_TYPE.fields ?? [],
    values: Object.freeze([
      index.id,
      index.tableId,
      column?.name ?? null,
      recorded.kmerSize,
      recorded.occurrenceBits,
      0n,
      0,
      Math.fround(recorded.maxAppearanceRate),
      recorded.maxAppearanceNrow,
      recorded.precludeHighfreqKmer,
      new Date(recorded.createdAt),
    ]),
  });
}

/**
 * In index id order: the order the reference's trigger inserted them in. The trigger fires for the index the
 * statement names, so CREATE INDEX on a partitioned table gives the partitioned index a row and the partitions'
 * indexes it creates none (analysis §8.5); an index it attached keeps the row its own CREATE INDEX gave it.
 */
function* indexInfoRows(context: FunctionContext): Iterable<RecordValue> {
  const all = context.view?.listIndexes() ?? [];
  const created = createdIndexIds(all);
  const indexes = all.filter((index) => isKmersearchIndex(index) && !created.has(index.id)).sort((a, b) => a.id - b.id);
  for (const index of indexes) yield indexInfoRow(context, index);
}

export function indexCatalogFunctions(): SqlFunction[] {
  return [
    setReturning('kmersearch_index_info_rows', [], INDEX_INFO_TYPE, (_args, context) => indexInfoRows(context), { volatility: 'stable' }),
    setReturning('kmersearch_gin_index_meta_rows', [], GIN_INDEX_META_TYPE, () => [], { volatility: 'stable' }),
  ];
}
